package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code rpn.head}: 3x3 conv 256 -> 256 + ReLU ({@code conv}), then 1x1 convs to A objectness logits
 * ({@code cls_logits}) and 4A box deltas ({@code bbox_pred}), A = anchors per location (30). Init normal(0.01),
 * bias 0, as torchvision.
 *
 * <p>Output layout is torchvision's: objectness (N, A, H, W), deltas (N, 4A, H, W) with channel {@code 4a + j} the
 * j-th delta (dx, dy, dw, dh) of anchor a. The proposal stage flattens objectness to (H, W, A) and views deltas as
 * (A, 4, H, W) ordered (H, W, A, 4), matching the anchors' order.
 */
public final class RpnHead extends NetBlock {
    private final Conv conv;
    private final Conv clsLogits;
    private final Conv bboxPred;

    public RpnHead(int channels, int anchors) {
        conv = addChildBlock("conv", new Conv(channels, channels, 3, 1, 1, 1, true, Init.normal(0.01)));
        clsLogits = addChildBlock("cls_logits", new Conv(channels, anchors, 1, 1, 0, 1, true, Init.normal(0.01)));
        bboxPred = addChildBlock("bbox_pred",
                new Conv(channels, 4 * anchors, 1, 1, 0, 1, true, Init.normal(0.01)));
    }

    /** (objectness, deltas) of a feature map. */
    public NDList apply(ParameterStore ps, NDArray features, boolean training) {
        NDArray t = Activation.relu(conv.apply(ps, features, training));
        return new NDList(clsLogits.apply(ps, t, training), bboxPred.apply(ps, t, training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return apply(ps, inputs.singletonOrThrow(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape[] t = conv.getOutputShapes(inputs);
        return new Shape[] {clsLogits.getOutputShapes(t)[0], bboxPred.getOutputShapes(t)[0]};
    }
}
