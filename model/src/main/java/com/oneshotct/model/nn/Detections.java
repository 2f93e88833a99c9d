package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.ops.BoxCoder;
import com.oneshotct.model.ops.BoxOps;
import com.oneshotct.model.ops.Native;

/**
 * Box-head post-processing for one image (torchvision's {@code postprocess_detections}): per-class decode with
 * weights (10,10,5,5), clip, softmax, drop background, score threshold, drop boxes narrower or lower than
 * {@code minSize}, class-wise NMS, best {@code maxDetections}.
 */
public final class Detections {
    private final double scoreThreshold;
    private final double nmsThreshold;
    private final int maxDetections;
    private final float minSize;
    private final BoxCoder coder = BoxCoder.roi();

    public Detections(double scoreThreshold, double nmsThreshold, int maxDetections, float minSize) {
        if (!(scoreThreshold >= 0 && scoreThreshold < 1) || !(nmsThreshold > 0 && nmsThreshold <= 1)
                || maxDetections <= 0 || minSize < 0) {
            throw new IllegalArgumentException("detections: score threshold must be in [0, 1), NMS threshold in"
                    + " (0, 1], max detections positive, min size >= 0; got " + scoreThreshold + ", " + nmsThreshold
                    + ", " + maxDetections + ", " + minSize);
        }
        this.scoreThreshold = scoreThreshold;
        this.nmsThreshold = nmsThreshold;
        this.maxDetections = maxDetections;
        this.minSize = minSize;
    }

    /** torchvision's defaults, as the golden pass uses them: score > 0.05, NMS 0.5, best 100, min size 0.01. */
    public static Detections torchvisionDefaults() {
        return new Detections(0.05, 0.5, 100, 0.01f);
    }

    /** The reference evaluation: score > 0.75, at most 4 detections per image. */
    public static Detections referenceEvaluation() {
        return new Detections(0.75, 0.5, 4, 0.01f);
    }

    /**
     * @param classLogits (N, K)
     * @param boxRegression (N, 4K)
     * @param proposals (N, 4)
     * @return (boxes (D, 4), scores (D), labels (D) int64 in 1..K-1), best score first
     */
    public NDList apply(NDArray classLogits, NDArray boxRegression, NDArray proposals, int imageHeight,
            int imageWidth) {
        NDManager manager = classLogits.getManager();
        int n = (int) classLogits.getShape().get(0);
        int k = (int) classLogits.getShape().get(1);
        float[] boxes;
        float[] probs;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray decoded = BoxOps.clip(coder.decodePerClass(boxRegression.stopGradient(), proposals), imageHeight,
                    imageWidth);
            boxes = decoded.toFloatArray();
            probs = classLogits.stopGradient().softmax(1).toFloatArray();
        }
        ClassCandidates cand = ClassCandidates.of(boxes, probs, k,
                flat -> probs[flat] > scoreThreshold && wide(boxes, flat));
        float[] cb = cand.boxes();
        float[] cs = cand.scores();
        long[] cl = cand.labels();
        long[] keep = cand.nms(nmsThreshold);
        int d = Math.min(maxDetections, keep.length);
        float[] ob = new float[d * 4];
        float[] os = new float[d];
        long[] ol = new long[d];
        for (int i = 0; i < d; i++) {
            int j = (int) keep[i];
            System.arraycopy(cb, j * 4, ob, i * 4, 4);
            os[i] = cs[j];
            ol[i] = cl[j];
        }
        return new NDList(Native.owned(manager.create(ob, new Shape(d, 4))), Native.owned(manager.create(os)), Native.owned(manager.create(ol)));
    }

    private boolean wide(float[] boxes, int flat) {
        int o = flat * 4;
        return boxes[o + 2] - boxes[o] >= minSize && boxes[o + 3] - boxes[o + 1] >= minSize;
    }
}
