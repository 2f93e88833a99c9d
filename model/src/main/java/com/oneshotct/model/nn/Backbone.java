package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.ModelConfig;

/** {@code backbone}: the ResNet/ResNeXt {@code body} and the one-level {@code fpn}. Images in, one feature map out. */
public final class Backbone extends NetBlock {
    private final ResNetBody body;
    private final Fpn fpn;

    public Backbone(ModelConfig config) {
        body = addChildBlock("body", new ResNetBody(config));
        fpn = addChildBlock("fpn", new Fpn(body.outChannels(), config.fpnChannels()));
    }

    public ResNetBody body() {
        return body;
    }

    public Fpn fpn() {
        return fpn;
    }

    /** Feature map (N, 256, H/32, W/32) of standardised images (N, 3, H, W). */
    public NDArray apply(ParameterStore ps, NDArray images, boolean training) {
        return scoped(images, x -> fpn.apply(ps, body.apply(ps, x, training), training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return fpn.getOutputShapes(body.getOutputShapes(inputs));
    }
}
