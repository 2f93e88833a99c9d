package com.oneshotct.model.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * pycocotools' {@code evaluateImg} for one image and one category, area range "all": the kept detections' scores
 * in score order, and per IoU threshold which of them matched a ground truth and which are ignored (matched to a
 * crowd ground truth).
 */
record ImageEval(double[] scores, boolean[][] matched, boolean[][] ignored, int nonCrowdTruths) {

    /** The evaluation, or null when the image has neither ground truth nor detections of the category. */
    static ImageEval of(List<CocoAnnotation> truths, List<CocoDetection> detections, double[] thresholds,
            int maxDets) {
        if (truths.isEmpty() && detections.isEmpty()) {
            return null;
        }
        // Ground truths: non-crowd first, keeping their order (numpy's stable argsort of the ignore flags).
        List<CocoAnnotation> gt = new ArrayList<>();
        for (CocoAnnotation a : truths) {
            if (!a.crowd()) {
                gt.add(a);
            }
        }
        int nonCrowd = gt.size();
        for (CocoAnnotation a : truths) {
            if (a.crowd()) {
                gt.add(a);
            }
        }
        double[] allScores = new double[detections.size()];
        for (int i = 0; i < allScores.length; i++) {
            allScores[i] = detections.get(i).score();
        }
        int[] order = byScoreDescending(allScores);
        int nd = Math.min(order.length, maxDets);
        int ng = gt.size();
        double[] scores = new double[nd];
        double[][] iou = new double[nd][ng];
        for (int d = 0; d < nd; d++) {
            CocoDetection det = detections.get(order[d]);
            scores[d] = det.score();
            for (int g = 0; g < ng; g++) {
                iou[d][g] = iou(det.mask(), gt.get(g));
            }
        }
        int nt = thresholds.length;
        boolean[][] matched = new boolean[nt][nd];
        boolean[][] ignored = new boolean[nt][nd];
        for (int t = 0; t < nt; t++) {
            boolean[] gtMatched = new boolean[ng];
            for (int d = 0; d < nd; d++) {
                double best = Math.min(thresholds[t], 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < ng; g++) {
                    boolean crowd = g >= nonCrowd;
                    if (gtMatched[g] && !crowd) {
                        continue;
                    }
                    if (m > -1 && m < nonCrowd && crowd) {
                        break;
                    }
                    if (iou[d][g] < best) {
                        continue;
                    }
                    best = iou[d][g];
                    m = g;
                }
                if (m == -1) {
                    continue;
                }
                ignored[t][d] = m >= nonCrowd;
                matched[t][d] = true;
                gtMatched[m] = true;
            }
        }
        return new ImageEval(scores, matched, ignored, nonCrowd);
    }

    /** pycocotools' mask IoU: a crowd region is compared by intersection / area of the detection. */
    private static double iou(BinaryMask det, CocoAnnotation gt) {
        long inter = det.intersection(gt.mask());
        if (inter == 0) {
            return 0.0;
        }
        long u = gt.crowd() ? det.area() : det.area() + gt.mask().area() - inter;
        return (double) inter / (double) u;
    }

    /**
     * Indices sorting {@code scores} descending, stably, like {@code np.argsort(-scores, kind='mergesort')};
     * compared with {@code <}/{@code >} so that -0.0 and 0.0 tie as they do in numpy.
     */
    static int[] byScoreDescending(double[] scores) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : 0);
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
