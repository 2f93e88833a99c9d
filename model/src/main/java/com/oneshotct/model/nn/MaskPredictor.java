package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code roi_heads.mask_predictor} (torchvision's MaskRCNNPredictor): {@code conv_mask}, a transposed conv 2x2/2
 * 256 -> 256, + ReLU, then {@code mask_fcn_logits}, a 1x1 conv -> C mask logits: (K, 256, 14, 14) ->
 * (K, C, 28, 28). Init kaiming_normal(fan_out, relu), bias 0, as torchvision.
 */
public final class MaskPredictor extends NetBlock {
    private final ConvTranspose convMask;
    private final Conv logits;

    public MaskPredictor(int channels, int numClasses) {
        convMask = addChildBlock("conv_mask", new ConvTranspose(channels, channels, 2, Init.kaimingNormalFanOut()));
        logits = addChildBlock("mask_fcn_logits",
                new Conv(channels, numClasses, 1, 1, 0, 1, true, Init.kaimingNormalFanOut()));
    }

    /** {@code conv_mask}, which the classification branch's truncated predictor copies. */
    public ConvTranspose convMask() {
        return convMask;
    }

    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return logits.apply(ps, Activation.relu(convMask.apply(ps, x, training)), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return logits.getOutputShapes(convMask.getOutputShapes(inputs));
    }
}
