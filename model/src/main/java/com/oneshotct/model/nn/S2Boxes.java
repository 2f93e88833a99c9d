package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.ops.BoxCoder;
import com.oneshotct.model.ops.BoxOps;
import com.oneshotct.model.ops.Native;
import java.util.Arrays;

/**
 * The classification branch's box selection (model-spec section 5 steps 2-3) for one image: per-class decode
 * of the s2 box head's output with weights (10, 10, 5, 5), clip, softmax, drop background -> C-1 candidates per
 * proposal (ordered by proposal, then class 1..C-1); drop boxes of area <= 1e-5; class-wise NMS at 0.25; keep
 * the best 16 by score.
 *
 * <p>Fewer survivors are padded deterministically to exactly 16 by repeating them cyclically, {@code kept[i mod k]}
 * (the reference pads at random cut points, which makes its inference stochastic). If none survive at all, the
 * sequence is the whole image box (0, 0, W, H) repeated 16 times: the attention layer then still sees the image's
 * features, and the rule needs no randomness. Finally a stable sort by the distance sqrt(x1^2 + y1^2) of the
 * top-left corner from the image origin, ascending (float32 as the reference computes it; ties keep the
 * score order), gives the sequence order.
 */
public final class S2Boxes {
    /** The reference's values: NMS 0.25, 16 boxes, area above 1e-5. */
    public static final double NMS_THRESHOLD = 0.25;
    public static final int COUNT = 16;
    public static final float MIN_AREA = 1e-5f;

    private final double nmsThreshold;
    private final int count;
    private final float minArea;
    private final BoxCoder coder = BoxCoder.roi();

    /** What the selection did: the boxes (count x 4 floats) and how many candidates each stage left. */
    public record Selection(float[] boxes, int candidates, int survivors) {
        /** The boxes as a (count, 4) float32 array. */
        public NDArray toArray(NDManager manager) {
            return Native.owned(manager.create(boxes, new Shape(boxes.length / 4, 4)));
        }
    }

    public S2Boxes(double nmsThreshold, int count, float minArea) {
        if (!(nmsThreshold > 0 && nmsThreshold <= 1) || count <= 0 || !(minArea >= 0)) {
            throw new IllegalArgumentException("s2 boxes: NMS threshold must be in (0, 1], count positive, min area"
                    + " >= 0; got " + nmsThreshold + ", " + count + ", " + minArea);
        }
        this.nmsThreshold = nmsThreshold;
        this.count = count;
        this.minArea = minArea;
    }

    public static S2Boxes reference() {
        return new S2Boxes(NMS_THRESHOLD, COUNT, MIN_AREA);
    }

    /**
     * @param classLogits (N, C) of the s2 box predictor
     * @param boxRegression (N, 4C)
     * @param proposals (N, 4)
     */
    public Selection apply(NDArray classLogits, NDArray boxRegression, NDArray proposals, int imageHeight,
            int imageWidth) {
        Shape ls = classLogits.getShape();
        if (ls.dimension() != 2 || ls.get(1) < 2) {
            throw new IllegalArgumentException("s2 class logits must be (N, C) with C >= 2, got " + ls);
        }
        int k = (int) ls.get(1);
        if (ls.get(0) == 0) {
            return select(new float[0], new float[0], k, imageHeight, imageWidth);
        }
        float[] boxes;
        float[] probs;
        try (NDManager scratch = classLogits.getManager().newSubManager()) {
            // detached views moved into the scratch manager, so that every intermediate is freed with it
            NDArray logits = scoped(classLogits, scratch);
            NDArray reg = scoped(boxRegression, scratch);
            NDArray props = scoped(proposals, scratch);
            boxes = BoxOps.clip(coder.decodePerClass(reg, props), imageHeight, imageWidth).toFloatArray();
            probs = logits.softmax(1).toFloatArray();
        }
        return select(boxes, probs, k, imageHeight, imageWidth);
    }

    private static NDArray scoped(NDArray a, NDManager scratch) {
        NDArray d = a.stopGradient();
        d.attach(scratch);
        return d;
    }

    /**
     * The selection on plain arrays.
     *
     * @param boxes N * C * 4 decoded, clipped per-class boxes (proposal-major, then class)
     * @param probs N * C class probabilities, background at class 0
     */
    public Selection select(float[] boxes, float[] probs, int classes, int imageHeight, int imageWidth) {
        if (classes < 2 || probs.length % classes != 0 || boxes.length != probs.length * 4) {
            throw new IllegalArgumentException("s2 boxes: " + boxes.length + " box coordinates and " + probs.length
                    + " probabilities do not make N x " + classes + " classes");
        }
        ClassCandidates cand = ClassCandidates.of(boxes, probs, classes, flat -> {
            int o = flat * 4;
            float area = (boxes[o + 2] - boxes[o]) * (boxes[o + 3] - boxes[o + 1]);
            return area > minArea;
        });
        float[] cb = cand.boxes();
        long[] keep = cand.nms(nmsThreshold);
        int kept = Math.min(count, keep.length);
        float[] out = new float[count * 4];
        for (int i = 0; i < count; i++) {
            if (kept == 0) {
                out[i * 4 + 2] = imageWidth;
                out[i * 4 + 3] = imageHeight;
            } else {
                System.arraycopy(cb, (int) keep[i % kept] * 4, out, i * 4, 4);
            }
        }
        return new Selection(sortByCorner(out), cand.size(), kept);
    }

    /** Stable sort of boxes by sqrt(x1^2 + y1^2), float32, ascending. */
    static float[] sortByCorner(float[] boxes) {
        int n = boxes.length / 4;
        Integer[] order = new Integer[n];
        float[] dist = new float[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            float x = boxes[i * 4];
            float y = boxes[i * 4 + 1];
            dist[i] = (float) Math.sqrt(x * x + y * y);
        }
        // Arrays.sort on objects is a stable merge sort
        Arrays.sort(order, (a, b) -> Float.compare(dist[a], dist[b]));
        float[] out = new float[boxes.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(boxes, order[i] * 4, out, i * 4, 4);
        }
        return out;
    }
}
