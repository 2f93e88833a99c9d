package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.ModelConfig;

/**
 * {@code rpn}: holds the {@code head}, the only part with parameters. Anchors, proposal filtering and the RPN losses
 * are operators (package {@code ops}) driven by the caller with {@link ModelConfig}'s RPN settings.
 */
public final class Rpn extends NetBlock {
    private final RpnHead head;

    public Rpn(ModelConfig config) {
        head = addChildBlock("head", new RpnHead(config.fpnChannels(), config.anchorsPerLocation()));
    }

    public RpnHead head() {
        return head;
    }

    /** (objectness (N, A, H, W), deltas (N, 4A, H, W)) of a feature map. */
    public NDList apply(ParameterStore ps, NDArray features, boolean training) {
        return head.apply(ps, features, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return apply(ps, inputs.singletonOrThrow(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return head.getOutputShapes(inputs);
    }
}
