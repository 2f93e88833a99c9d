package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.ModelConfig;

/**
 * {@code roi_heads.box_head} (torchvision's TwoMLPHead): pooled RoIs (K, 256, 7, 7) flattened to 12544 ->
 * {@code fc6} -> ReLU -> {@code fc7} -> ReLU, (K, 128). PyTorch's default Linear init, as torchvision.
 */
public final class BoxHead extends NetBlock {
    private final Dense fc6;
    private final Dense fc7;

    public BoxHead(int inFeatures, int representation) {
        fc6 = addChildBlock("fc6", Dense.torchDefault(inFeatures, representation));
        fc7 = addChildBlock("fc7", Dense.torchDefault(representation, representation));
    }

    static BoxHead of(ModelConfig c) {
        return new BoxHead(c.fpnChannels() * c.boxPoolSize() * c.boxPoolSize(), c.representationSize());
    }

    public NDArray apply(ParameterStore ps, NDArray pooled, boolean training) {
        return Activation.relu(fc7.apply(ps, Activation.relu(fc6.apply(ps, pooled, training)), training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return fc7.getOutputShapes(fc6.getOutputShapes(inputs));
    }
}
