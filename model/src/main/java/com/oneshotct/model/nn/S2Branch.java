package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.ops.RoiAlign;

/**
 * The classification branch from RPN proposals to RoI mask features for one image (model-spec section 5 steps
 * 1-4): RoIAlign 7x7 of the proposals -> s2 box head -> {@link S2Boxes} (16 boxes in sequence order) -> RoIAlign
 * 14x14 of those boxes -> {@code mask_head_s2} + ReLU -> {@code conv_mask} (no ReLU) -> {@code conv_reduce} + ReLU.
 *
 * <p>The box scoring runs on detached features: the choice of boxes is discrete and the reference never trains
 * the s2 heads. The mask features keep the graph to the feature map, so the classification loss reaches the
 * backbone (the s2 heads' own parameters take gradients too; the trainer leaves them out of its optimiser).
 * {@code training} only goes to the parameter store: the RoI heads have no BatchNorm or dropout, so they are in
 * inference mode either way, as the reference keeps them in its classification step.
 */
public final class S2Branch {
    private final OneShotNet net;
    private final S2Boxes selection;
    private final RoiAlign boxPool;
    private final RoiAlign maskPool;
    private final int imageSize;

    /** The branch's result: the 16 boxes (16, 4), the features (16, 256, 28, 28) and the selection's counts. */
    public record Result(NDArray boxes, NDArray features, S2Boxes.Selection selection) {}

    public S2Branch(OneShotNet net, S2Boxes selection) {
        this.net = net;
        this.selection = selection;
        ModelConfig c = net.config();
        this.boxPool = new RoiAlign(c.boxPoolSize(), c.spatialScale(), c.samplingRatio());
        this.maskPool = new RoiAlign(c.maskPoolSize(), c.spatialScale(), c.samplingRatio());
        this.imageSize = c.imageSize();
    }

    /** With the reference's selection (NMS 0.25, 16 boxes). */
    public S2Branch(OneShotNet net) {
        this(net, S2Boxes.reference());
    }

    /** The s2 boxes (16, 4) of one image's proposals (N, 4) on its feature map (1, 256, h, w). */
    public S2Boxes.Selection boxes(ParameterStore ps, NDArray features, NDArray proposals, boolean training) {
        requireOneImage(features);
        try (NDManager scratch = features.getManager().newSubManager()) {
            NDArray f = features.stopGradient();
            f.attach(scratch);
            NDArray pooled = boxPool.apply(f, new NDList(proposals));
            pooled.attach(scratch);
            NDList head = net.roiHeads().boxS2(ps, pooled, training);
            head.attach(scratch);
            return selection.apply(head.get(0), head.get(1), proposals, imageSize, imageSize);
        }
    }

    /** RoI mask features (K, 256, 28, 28) of boxes (K, 4) on one image's feature map (1, 256, h, w). */
    public NDArray maskFeatures(ParameterStore ps, NDArray features, NDArray boxes, boolean training) {
        requireOneImage(features);
        NDArray pooled = maskPool.apply(features, new NDList(boxes));
        return net.roiHeads().maskFeaturesS2(ps, pooled, training);
    }

    /** Proposals and features -> the 16 boxes and their mask features, on the features' manager. */
    public Result apply(ParameterStore ps, NDArray features, NDArray proposals, boolean training) {
        S2Boxes.Selection s = boxes(ps, features, proposals, training);
        NDArray boxes = s.toArray(features.getManager()).toDevice(features.getDevice(), false);
        return new Result(boxes, maskFeatures(ps, features, boxes, training), s);
    }

    private static void requireOneImage(NDArray features) {
        Shape s = features.getShape();
        if (s.dimension() != 4 || s.get(0) != 1) {
            throw new IllegalArgumentException("the s2 branch takes one image's features (1, C, h, w), got " + s);
        }
    }
}
