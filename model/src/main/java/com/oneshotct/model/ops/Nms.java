package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Greedy non-maximum suppression, torchvision's {@code nms} CPU kernel and {@code batched_nms}, in plain Java on
 * float arrays. Visits boxes by score descending (stable: equal scores in index order, NaN first, as torch's
 * stable descending sort) and suppresses every later box whose IoU with a kept one is strictly above the
 * threshold; the IoU is float32 inter / (area_i + area_j - inter), exactly as the kernel computes it, so the kept
 * indices agree with torchvision's bit for bit. Kept indices come back in score-descending order.
 */
public final class Nms {
    /**
     * torchvision's CPU {@code batched_nms} switches from the coordinate-offset trick to a per-class loop above
     * this many coordinates; the two can differ in the last bit of an IoU, so the switch is reproduced.
     */
    public static final int COORDINATE_TRICK_MAX_NUMEL = 4000;

    private Nms() {}

    /** Kept indices (int64, score-descending) of boxes (N x 4) with scores (N). */
    public static NDArray nms(NDArray boxes, NDArray scores, double threshold) {
        long[] keep = nms(BoxOps.toFloats(boxes), scoresOf(scores, boxes), threshold);
        return Native.owned(boxes.getManager().create(keep)).toDevice(boxes.getDevice(), false);
    }

    /** Kept indices, score-descending, of 4N box coordinates with N scores. */
    public static long[] nms(float[] boxes, float[] scores, double threshold) {
        int n = BoxOps.count(boxes, "nms boxes");
        if (scores.length != n) {
            throw new IllegalArgumentException("nms: " + n + " boxes but " + scores.length + " scores");
        }
        int[] order = orderDescending(scores);
        float[] area = BoxOps.area(boxes);
        boolean[] suppressed = new boolean[n];
        long[] keep = new long[n];
        int kept = 0;
        for (int a = 0; a < n; a++) {
            int i = order[a];
            if (suppressed[i]) {
                continue;
            }
            keep[kept++] = i;
            for (int b = a + 1; b < n; b++) {
                int j = order[b];
                if (!suppressed[j] && (double) BoxOps.iou(boxes, i, area[i], boxes, j, area[j]) > threshold) {
                    suppressed[j] = true;
                }
            }
        }
        return Arrays.copyOf(keep, kept);
    }

    /**
     * Class-wise NMS: boxes of different {@code labels} never suppress each other. Kept indices (int64) in
     * score-descending order over all classes.
     */
    public static NDArray batched(NDArray boxes, NDArray scores, NDArray labels, double threshold) {
        long[] lab = labels.toType(DataType.INT64, false).toLongArray();
        long[] keep = batched(BoxOps.toFloats(boxes), scoresOf(scores, boxes), lab, threshold);
        return Native.owned(boxes.getManager().create(keep)).toDevice(boxes.getDevice(), false);
    }

    /** Class-wise NMS of 4N box coordinates with N scores and N labels; kept indices score-descending. */
    public static long[] batched(float[] boxes, float[] scores, long[] labels, double threshold) {
        int n = BoxOps.count(boxes, "batched nms boxes");
        if (scores.length != n || labels.length != n) {
            throw new IllegalArgumentException(String.format("batched nms: %d boxes, %d scores, %d labels", n,
                    scores.length, labels.length));
        }
        if (n == 0) {
            return new long[0];
        }
        return boxes.length > COORDINATE_TRICK_MAX_NUMEL
                ? perClass(boxes, scores, labels, threshold)
                : coordinateTrick(boxes, scores, labels, threshold);
    }

    /** Shifts each class's boxes by label * (max coordinate + 1) so that classes cannot overlap, then one NMS. */
    private static long[] coordinateTrick(float[] boxes, float[] scores, long[] labels, double threshold) {
        float max = boxes[0];
        for (float v : boxes) {
            // torch.max propagates NaN; so does this.
            if (v > max || Float.isNaN(v)) {
                max = v;
            }
        }
        float step = max + 1f;
        float[] shifted = new float[boxes.length];
        for (int i = 0; i < boxes.length; i++) {
            shifted[i] = boxes[i] + (float) labels[i / 4] * step;
        }
        return nms(shifted, scores, threshold);
    }

    private static long[] perClass(float[] boxes, float[] scores, long[] labels, double threshold) {
        Integer[] byLabel = new Integer[labels.length];
        for (int i = 0; i < byLabel.length; i++) {
            byLabel[i] = i;
        }
        Arrays.sort(byLabel, (x, y) -> Long.compare(labels[x], labels[y]));
        boolean[] kept = new boolean[labels.length];
        for (int start = 0; start < byLabel.length; ) {
            int end = start;
            while (end < byLabel.length && labels[byLabel[end]] == labels[byLabel[start]]) {
                end++;
            }
            int size = end - start;
            float[] b = new float[4 * size];
            float[] s = new float[size];
            for (int k = 0; k < size; k++) {
                System.arraycopy(boxes, 4 * byLabel[start + k], b, 4 * k, 4);
                s[k] = scores[byLabel[start + k]];
            }
            for (long k : nms(b, s, threshold)) {
                kept[byLabel[start + (int) k]] = true;
            }
            start = end;
        }
        int count = 0;
        for (boolean k : kept) {
            count += k ? 1 : 0;
        }
        int[] keptIdx = new int[count];
        float[] keptScores = new float[count];
        int c = 0;
        for (int i = 0; i < kept.length; i++) {
            if (kept[i]) {
                keptIdx[c] = i;
                keptScores[c++] = scores[i];
            }
        }
        int[] order = orderDescending(keptScores);
        long[] out = new long[count];
        for (int k = 0; k < count; k++) {
            out[k] = keptIdx[order[k]];
        }
        return out;
    }

    /**
     * Indices by score descending, ties in index order, NaN first: each score becomes an int key whose signed
     * order is the reverse of the float order, packed above its index, and the longs are sorted.
     */
    static int[] orderDescending(float[] scores) {
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            // + 0f turns -0 into +0, which torch's sort treats as equal.
            int bits = Float.floatToIntBits(scores[i] + 0f);
            int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF);
            keys[i] = ((long) ~ascending << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    private static float[] scoresOf(NDArray scores, NDArray boxes) {
        if (scores.getShape().dimension() != 1) {
            throw new IllegalArgumentException("nms scores must be one-dimensional, got " + scores.getShape());
        }
        BoxOps.requireBoxes(boxes, "nms boxes");
        return scores.toType(DataType.FLOAT32, false).toFloatArray();
    }
}
