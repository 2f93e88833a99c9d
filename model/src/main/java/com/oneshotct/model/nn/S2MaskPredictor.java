package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code roi_heads.mask_predictor_s2}, the classification branch's truncated mask predictor: {@code conv_mask}, a
 * transposed conv 2x2/2 256 -> 256 with no activation (the reference's {@code MaskRCNNPredictorTruncated} is
 * conv_mask, conv_reduce, relu), then {@code conv_reduce}, a 3x3 conv 256 -> 256 (pad 1), + ReLU, in place of the
 * per-class logits: (K, 256, 14, 14) -> (K, 256, 28, 28) RoI features for the attention layer.
 * Init as the authors' {@code MaskRCNNPredictorTruncated}: kaiming_normal(fan_out, relu), bias 0.01
 * ({@link Init#authors}).
 */
public final class S2MaskPredictor extends NetBlock {
    private final ConvTranspose convMask;
    private final Conv convReduce;

    public S2MaskPredictor(int channels) {
        convMask = addChildBlock("conv_mask", new ConvTranspose(channels, channels, 2, Init.kaimingNormalFanOut()));
        convReduce = addChildBlock("conv_reduce",
                new Conv(channels, channels, 3, 1, 1, 1, true, Init.kaimingNormalFanOut()));
        Init.authors(this);
    }

    public ConvTranspose convMask() {
        return convMask;
    }

    public Conv convReduce() {
        return convReduce;
    }

    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray up = convMask.apply(ps, x, training);
        return Activation.relu(convReduce.apply(ps, up, training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return convReduce.getOutputShapes(convMask.getOutputShapes(inputs));
    }
}
