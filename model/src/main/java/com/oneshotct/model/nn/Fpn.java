package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The reference's one-level FPN on C5 ({@code backbone.fpn}): {@code inner_blocks.0}, a 1x1 conv C5 -> 256, then
 * {@code layer_blocks.0}, a 3x3 conv 256 -> 256 (pad 1); both with bias, no activation, no extra pooled level.
 * torchvision's FPN with a single input level reduces to exactly that. Init as torchvision: kaiming_uniform(a=1),
 * bias 0.
 */
public final class Fpn extends NetBlock {
    private final Conv inner;
    private final Conv layer;

    public Fpn(int inChannels, int channels) {
        inner = new Conv(inChannels, channels, 1, 1, 0, 1, true, Init.kaimingUniformA1());
        layer = new Conv(channels, channels, 3, 1, 1, 1, true, Init.kaimingUniformA1());
        addChildBlock("inner_blocks", new Seq(inner));
        addChildBlock("layer_blocks", new Seq(layer));
    }

    public NDArray apply(ParameterStore ps, NDArray c5, boolean training) {
        return scoped(c5, x -> layer.apply(ps, inner.apply(ps, x, training), training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return layer.getOutputShapes(inner.getOutputShapes(inputs));
    }
}
