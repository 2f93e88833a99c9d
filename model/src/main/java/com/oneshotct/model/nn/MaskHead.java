package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code roi_heads.mask_head}: one 3x3 conv 256 -> 256, pad 1 ({@code mask_fcn1}) + ReLU on pooled RoIs
 * (K, 256, 14, 14). Init kaiming_normal(fan_out, relu), bias 0, as torchvision's MaskRCNNHeads.
 */
public final class MaskHead extends NetBlock {
    private final Conv maskFcn1;

    public MaskHead(int channels) {
        maskFcn1 = addChildBlock("mask_fcn1",
                new Conv(channels, channels, 3, 1, 1, 1, true, Init.kaimingNormalFanOut()));
    }

    public NDArray apply(ParameterStore ps, NDArray pooled, boolean training) {
        return Activation.relu(maskFcn1.apply(ps, pooled, training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return maskFcn1.getOutputShapes(inputs);
    }
}
