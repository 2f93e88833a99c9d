package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.ops.BoxCoder;
import com.oneshotct.model.ops.BoxOps;
import com.oneshotct.model.ops.Native;
import com.oneshotct.model.ops.Nms;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The RPN's proposal filter for one image and one feature level (model-spec section 3): top {@code preNms} anchors
 * by objectness logit, decode with weights (1,1,1,1), clip to the image, NMS on sigmoid scores, keep
 * {@code postNms}. No small-box removal, as in the reference. The result is detached from the graph.
 */
public final class Proposals {
    private final int preNms;
    private final double nmsThreshold;
    private final int postNms;
    private final BoxCoder coder = BoxCoder.rpn();

    public Proposals(int preNms, double nmsThreshold, int postNms) {
        if (preNms <= 0 || postNms <= 0 || !(nmsThreshold > 0 && nmsThreshold <= 1)) {
            throw new IllegalArgumentException("proposals: preNms and postNms must be positive and the NMS threshold"
                    + " in (0, 1], got " + preNms + ", " + postNms + ", " + nmsThreshold);
        }
        this.preNms = preNms;
        this.nmsThreshold = nmsThreshold;
        this.postNms = postNms;
    }

    /** The filter a model configuration names (its RPN pre-NMS count, NMS threshold and post-NMS count). */
    public static Proposals of(ModelConfig config) {
        return new Proposals(config.rpnPreNmsTopN(), config.rpnNmsThresh(), config.rpnPostNmsTopN());
    }

    /** The reference's filter: top 400, NMS 0.75, keep 200. */
    public static Proposals reference() {
        return new Proposals(400, 0.75, 200);
    }

    /** Objectness (1, A, H, W) in the anchors' order (H, W, A): a vector of H*W*A logits. */
    public static NDArray flattenObjectness(NDArray objectness) {
        requireBatchOne(objectness);
        return objectness.get(0).transpose(1, 2, 0).reshape(-1);
    }

    /** Deltas (1, 4A, H, W) viewed as (A, 4, H, W), then ordered (H, W, A, 4): (H*W*A, 4). */
    public static NDArray flattenDeltas(NDArray deltas) {
        requireBatchOne(deltas);
        Shape s = deltas.getShape();
        long h = s.get(2);
        long w = s.get(3);
        return deltas.get(0).reshape(s.get(1) / 4, 4, h, w).transpose(2, 3, 0, 1).reshape(-1, 4);
    }

    /**
     * @param objectness (1, A, H, W) logits
     * @param deltas (1, 4A, H, W)
     * @param anchors (H*W*A, 4) in (H, W, A) order
     * @return (boxes (K, 4), sigmoid scores (K)), K <= postNms, in descending score order
     */
    public NDList filter(NDArray objectness, NDArray deltas, NDArray anchors, int imageHeight, int imageWidth) {
        NDManager manager = objectness.getManager();
        float[] logits = flattenObjectness(objectness).toFloatArray();
        int k = Math.min(preNms, logits.length);
        int[] top = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> logits[i]).reversed())
                .limit(k).mapToInt(Integer::intValue).toArray();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray index = BoxOps.indices(scratch, top);
            NDArray chosenDeltas = flattenDeltas(deltas).stopGradient().get(index);
            NDArray chosenAnchors = anchors.get(index);
            NDArray boxes = BoxOps.clip(coder.decode(chosenDeltas, chosenAnchors), imageHeight, imageWidth);
            float[] b = boxes.toFloatArray();
            float[] scores = sigmoid(logits, top);
            long[] keep = Nms.nms(b, scores, nmsThreshold);
            int n = Math.min(postNms, keep.length);
            float[] outBoxes = new float[n * 4];
            float[] outScores = new float[n];
            for (int i = 0; i < n; i++) {
                int j = (int) keep[i];
                System.arraycopy(b, j * 4, outBoxes, i * 4, 4);
                outScores[i] = scores[j];
            }
            return new NDList(Native.owned(manager.create(outBoxes, new Shape(n, 4))), Native.owned(manager.create(outScores)));
        }
    }

    private static float[] sigmoid(float[] logits, int[] top) {
        float[] s = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            s[i] = (float) (1.0 / (1.0 + Math.exp(-logits[top[i]])));
        }
        return s;
    }

    private static void requireBatchOne(NDArray a) {
        if (a.getShape().dimension() != 4 || a.getShape().get(0) != 1) {
            throw new IllegalArgumentException("proposals: expected one image (1, C, H, W), got " + a.getShape());
        }
    }
}
