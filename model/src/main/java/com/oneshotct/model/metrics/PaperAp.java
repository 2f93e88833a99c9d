package com.oneshotct.model.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Segmentation AP as the authors' code computes it (model-spec section 9; their {@code compute_matches} /
 * {@code compute_ap}, adapted from Matterport's Mask R-CNN), per image and IoU threshold t, on binary masks:
 * <ol>
 *   <li>predictions are sorted by score, descending (stable: equal scores keep their input order); IoU between
 *       every prediction and every ground-truth mask;</li>
 *   <li>each ground truth, in order, claims among the predictions with IoU <b>strictly greater</b> than t, in
 *       descending IoU, the first one with the <b>same label</b> (equal IoUs: the higher-scored prediction first).
 *       A prediction may be claimed by several ground truths; it counts once;</li>
 *   <li>precision_k = claimed among the first k predictions / k, recall_k = claimed among the first k / number of
 *       ground truths;</li>
 *   <li>precision is padded with 0 at both ends, recall with 0 at the start and 1 at the end, precision is made
 *       non-increasing from the right, and AP = sum over the points where recall changes of
 *       (r_i - r_(i-1)) * p_i;</li>
 *   <li>an image with no ground truth and no predictions scores 1, ground truth but no predictions 0,
 *       predictions but no ground truth 0.</li>
 * </ol>
 * A label filter, when given, drops every prediction and ground truth of another label before all of this (so an
 * image left with neither scores 1). IoU of two empty masks is 0. The reference computes in float32; this class in
 * double, with exact pixel counts.
 */
public final class PaperAp {
    /** Number of IoU thresholds in the mAP: 0.50, 0.55, ..., 0.95. */
    public static final int THRESHOLDS = 10;

    private PaperAp() {}

    /** The i-th mAP threshold, 0.5 + 0.05 i (computed, not accumulated, so no drift). */
    public static double threshold(int i) {
        if (i < 0 || i >= THRESHOLDS) {
            throw new IllegalArgumentException("threshold index must be 0.." + (THRESHOLDS - 1) + ", got " + i);
        }
        return 0.5 + 0.05 * i;
    }

    /** The paper's AP of one image at IoU threshold t (matches need IoU > t). */
    public static double image(List<MaskPrediction> predictions, List<MaskTruth> truths, double t) {
        return new Prepared(predictions, truths).ap(t);
    }

    /** AP@t of a split: the mean over its images. {@code labels}: the labels that take part, null for all. */
    public static double split(List<PaperApImage> images, double t, Set<Integer> labels) {
        requireImages(images);
        double s = 0;
        for (PaperApImage im : images) {
            s += prepare(im, labels).ap(t);
        }
        return s / images.size();
    }

    /** AP at the ten thresholds 0.50:0.05:0.95, AP@0.5, AP@0.75 and mAP of a split; {@code labels} null for all. */
    public static PaperApResult evaluate(List<PaperApImage> images, Set<Integer> labels) {
        requireImages(images);
        double[] sums = new double[THRESHOLDS];
        TreeSet<Integer> seen = new TreeSet<>();
        for (PaperApImage im : images) {
            Prepared p = prepare(im, labels);
            for (int l : p.predLabels) {
                seen.add(l);
            }
            for (int l : p.truthLabels) {
                seen.add(l);
            }
            for (int i = 0; i < THRESHOLDS; i++) {
                sums[i] += p.ap(threshold(i));
            }
        }
        List<Double> aps = new ArrayList<>();
        for (double s : sums) {
            aps.add(s / images.size());
        }
        List<Integer> took = labels == null ? new ArrayList<>(seen) : new ArrayList<>(new TreeSet<>(labels));
        return new PaperApResult(aps, images.size(), took, labels != null);
    }

    private static void requireImages(List<PaperApImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to average the AP over");
        }
    }

    private static Prepared prepare(PaperApImage im, Set<Integer> labels) {
        if (labels == null) {
            return new Prepared(im.predictions(), im.truths());
        }
        List<MaskPrediction> preds = new ArrayList<>();
        for (MaskPrediction p : im.predictions()) {
            if (labels.contains(p.label())) {
                preds.add(p);
            }
        }
        List<MaskTruth> truths = new ArrayList<>();
        for (MaskTruth g : im.truths()) {
            if (labels.contains(g.label())) {
                truths.add(g);
            }
        }
        return new Prepared(preds, truths);
    }

    /** One image with its predictions sorted and its IoU matrix computed once for all thresholds. */
    private static final class Prepared {
        final int[] predLabels;
        final int[] truthLabels;
        /** iou[p][g], predictions in score order. */
        final double[][] iou;

        Prepared(List<MaskPrediction> predictions, List<MaskTruth> truths) {
            List<MaskPrediction> sorted = new ArrayList<>(predictions);
            // List.sort is stable; compare with < and > so that -0.0 and 0.0 tie, as in numpy.
            sorted.sort((a, b) -> a.score() > b.score() ? -1 : a.score() < b.score() ? 1 : 0);
            predLabels = new int[sorted.size()];
            truthLabels = new int[truths.size()];
            iou = new double[sorted.size()][truths.size()];
            for (int g = 0; g < truths.size(); g++) {
                truthLabels[g] = truths.get(g).label();
            }
            for (int p = 0; p < sorted.size(); p++) {
                MaskPrediction pred = sorted.get(p);
                predLabels[p] = pred.label();
                for (int g = 0; g < truths.size(); g++) {
                    iou[p][g] = pred.mask().iou(truths.get(g).mask());
                }
            }
        }

        double ap(double t) {
            int np = predLabels.length;
            int ng = truthLabels.length;
            if (ng == 0 && np == 0) {
                return 1.0;
            }
            if (ng == 0 || np == 0) {
                return 0.0;
            }
            boolean[] claimed = new boolean[np];
            for (int g = 0; g < ng; g++) {
                // "in descending IoU, the first with the same label" is the same-label candidate of highest IoU.
                int best = -1;
                for (int p = 0; p < np; p++) {
                    if (iou[p][g] > t && predLabels[p] == truthLabels[g]
                            && (best < 0 || iou[p][g] > iou[best][g])) {
                        best = p;
                    }
                }
                if (best >= 0) {
                    claimed[best] = true;
                }
            }
            double[] rec = new double[np + 2];
            double[] prec = new double[np + 2];
            int hits = 0;
            for (int k = 0; k < np; k++) {
                if (claimed[k]) {
                    hits++;
                }
                prec[k + 1] = (double) hits / (k + 1);
                rec[k + 1] = (double) hits / ng;
            }
            rec[np + 1] = 1.0;
            for (int i = np; i >= 0; i--) {
                prec[i] = Math.max(prec[i], prec[i + 1]);
            }
            double ap = 0;
            for (int i = 1; i < rec.length; i++) {
                if (rec[i] != rec[i - 1]) {
                    ap += (rec[i] - rec[i - 1]) * prec[i];
                }
            }
            return ap;
        }
    }
}
