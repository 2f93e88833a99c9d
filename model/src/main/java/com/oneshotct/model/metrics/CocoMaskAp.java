package com.oneshotct.model.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * COCO-style mask AP with the semantics of pycocotools' {@code COCOeval} (iouType "segm"), restricted to what the
 * COCO summary's AP, AP50 and AP75 read: area range "all", maxDets 100.
 * <ul>
 *   <li>per image and category, detections are sorted by score descending with a stable sort (numpy's
 *       {@code argsort(kind='mergesort')}), and only the first 100 are kept;</li>
 *   <li>IoU of masks = intersection / union, except against a crowd ground truth, where it is intersection / area
 *       of the detection; 0 when the intersection is empty;</li>
 *   <li>for each IoU threshold t in {@code np.linspace(.5, .95, 10)} and each detection in score order, greedy
 *       matching ({@code evaluateImg}): ground truths are visited non-crowd first; a non-crowd ground truth already
 *       matched is skipped (a crowd one can match many detections); once matched to a non-crowd ground truth the
 *       search stops at the first crowd one; the detection goes to the last ground truth whose IoU is {@code >=}
 *       the best so far, starting from {@code min(t, 1 - 1e-10)}. A detection matched to a crowd (ignored) ground
 *       truth is ignored: neither true nor false positive;</li>
 *   <li>per category, over all images ({@code accumulate}): detections of all images, in image-id order, stably
 *       sorted by score; recall = TP / non-crowd GT, precision = TP / (TP + FP + eps) with eps = np.spacing(1),
 *       made non-increasing from the right, read at the 101 recall thresholds {@code np.linspace(0, 1, 101)} with
 *       {@code searchsorted(side='left')} (0 beyond the highest recall reached);</li>
 *   <li>a category without non-crowd ground truth gets -1 and is left out of the means; AP is the mean over the
 *       ten thresholds, the 101 recall points and the categories; AP50 and AP75 the same at one threshold. With
 *       no category left, all three are -1, as in pycocotools.</li>
 * </ul>
 * Matches are tracked by position, so an annotation id of 0 (which pycocotools would take for "unmatched") is
 * evaluated correctly. Detections of a category that is not in the ground truth's categories are not evaluated.
 */
public final class CocoMaskAp {
    /** pycocotools' maxDets[-1]. */
    public static final int MAX_DETS = 100;
    private static final double EPS = Math.ulp(1.0);
    private static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    private static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);

    private CocoMaskAp() {}

    /** The ten IoU thresholds, bit for bit as {@code np.linspace(.5, 0.95, 10)} (index 8 is 0.8999999999999999). */
    public static double[] iouThresholds() {
        return IOU_THRESHOLDS.clone();
    }

    /** The 101 recall thresholds, bit for bit as {@code np.linspace(.0, 1.00, 101)}. */
    public static double[] recallThresholds() {
        return RECALL_THRESHOLDS.clone();
    }

    /** numpy's linspace with endpoint: i * ((stop - start) / (n - 1)) + start, the last value exactly stop. */
    static double[] linspace(double start, double stop, int n) {
        double step = (stop - start) / (n - 1);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = i * step + start;
        }
        out[n - 1] = stop;
        return out;
    }

    /** Evaluates {@code detections} against {@code gt}; every detection's image must be one of gt's images. */
    public static CocoApResult evaluate(CocoGroundTruth gt, List<CocoDetection> detections) {
        TreeSet<Long> imageIds = new TreeSet<>();
        Map<Long, CocoImage> images = new HashMap<>();
        for (CocoImage im : gt.images()) {
            imageIds.add(im.id());
            images.put(im.id(), im);
        }
        Map<Key, List<CocoAnnotation>> gts = new HashMap<>();
        for (CocoAnnotation a : gt.annotations()) {
            gts.computeIfAbsent(new Key(a.imageId(), a.categoryId()), k -> new ArrayList<>()).add(a);
        }
        Map<Key, List<CocoDetection>> dts = new HashMap<>();
        for (CocoDetection d : detections) {
            CocoImage im = images.get(d.imageId());
            if (im == null) {
                throw new IllegalArgumentException("detection on image " + d.imageId()
                        + ", which is not in the ground truth");
            }
            if (d.mask().height() != im.height() || d.mask().width() != im.width()) {
                throw new IllegalArgumentException("detection on image " + im.id() + " has a " + d.mask().height()
                        + "x" + d.mask().width() + " mask; the image is " + im.height() + "x" + im.width());
            }
            dts.computeIfAbsent(new Key(d.imageId(), d.categoryId()), k -> new ArrayList<>()).add(d);
        }
        int nt = IOU_THRESHOLDS.length;
        int nr = RECALL_THRESHOLDS.length;
        Map<Integer, Double> perCategory = new LinkedHashMap<>();
        double[] sumAt = new double[nt];
        int valid = 0;
        for (int cat : gt.categoryIds()) {
            List<ImageEval> evals = new ArrayList<>();
            for (long img : imageIds) {
                Key k = new Key(img, cat);
                ImageEval e = ImageEval.of(gts.getOrDefault(k, List.of()), dts.getOrDefault(k, List.of()),
                        IOU_THRESHOLDS, MAX_DETS);
                if (e != null) {
                    evals.add(e);
                }
            }
            double[][] precision = accumulate(evals);
            if (precision == null) {
                perCategory.put(cat, -1.0);
                continue;
            }
            valid++;
            double catSum = 0;
            for (int t = 0; t < nt; t++) {
                double s = 0;
                for (int r = 0; r < nr; r++) {
                    s += precision[t][r];
                }
                sumAt[t] += s;
                catSum += s;
            }
            perCategory.put(cat, catSum / (nt * nr));
        }
        if (valid == 0) {
            return new CocoApResult(-1, -1, -1, perCategory);
        }
        double all = 0;
        for (double s : sumAt) {
            all += s;
        }
        return new CocoApResult(all / ((double) nt * nr * valid), sumAt[0] / ((double) nr * valid),
                sumAt[5] / ((double) nr * valid), perCategory);
    }

    /** precision[t][r] of one category over all its images, or null when it has no non-crowd ground truth. */
    private static double[][] accumulate(List<ImageEval> evals) {
        if (evals.isEmpty()) {
            return null;
        }
        int npig = 0;
        int nd = 0;
        for (ImageEval e : evals) {
            npig += e.nonCrowdTruths();
            nd += e.scores().length;
        }
        if (npig == 0) {
            return null;
        }
        int nt = IOU_THRESHOLDS.length;
        double[] scores = new double[nd];
        boolean[][] matched = new boolean[nt][nd];
        boolean[][] ignored = new boolean[nt][nd];
        int at = 0;
        for (ImageEval e : evals) {
            int n = e.scores().length;
            System.arraycopy(e.scores(), 0, scores, at, n);
            for (int t = 0; t < nt; t++) {
                System.arraycopy(e.matched()[t], 0, matched[t], at, n);
                System.arraycopy(e.ignored()[t], 0, ignored[t], at, n);
            }
            at += n;
        }
        int[] order = ImageEval.byScoreDescending(scores);
        double[][] precision = new double[nt][RECALL_THRESHOLDS.length];
        double[] rc = new double[nd];
        double[] pr = new double[nd];
        for (int t = 0; t < nt; t++) {
            long tp = 0;
            long fp = 0;
            for (int i = 0; i < nd; i++) {
                int d = order[i];
                if (!ignored[t][d]) {
                    if (matched[t][d]) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
                rc[i] = (double) tp / npig;
                pr[i] = tp / (fp + tp + EPS);
            }
            for (int i = nd - 1; i > 0; i--) {
                if (pr[i] > pr[i - 1]) {
                    pr[i - 1] = pr[i];
                }
            }
            for (int r = 0; r < RECALL_THRESHOLDS.length; r++) {
                int i = searchLeft(rc, nd, RECALL_THRESHOLDS[r]);
                if (i >= nd) {
                    break; // pycocotools' try/except: this and every higher recall threshold stay 0
                }
                precision[t][r] = pr[i];
            }
        }
        return precision;
    }

    /** numpy's searchsorted(a[0:n], v, side='left'): the first i with a[i] >= v, n if none. */
    private static int searchLeft(double[] a, int n, double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private record Key(long image, int category) {}
}
