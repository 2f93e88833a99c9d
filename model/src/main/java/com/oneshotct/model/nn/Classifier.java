package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An attention branch's image classifier ({@code pos_classifier_attn}, {@code neg_classifier_attn}, model-spec 5
 * step 7): {@code fc_l1} in -> hidden, ReLU, {@code fc_l2} hidden -> hidden, ReLU, {@code class_predict_logits}
 * hidden -> classes. PyTorch's default Linear initialisation.
 */
public final class Classifier extends NetBlock {
    private final Dense fc1;
    private final Dense fc2;
    private final Dense logits;
    private final int classes;

    public Classifier(int in, int hidden, int classes) {
        fc1 = addChildBlock("fc_l1", Dense.torchDefault(in, hidden));
        fc2 = addChildBlock("fc_l2", Dense.torchDefault(hidden, hidden));
        logits = addChildBlock("class_predict_logits", Dense.torchDefault(hidden, classes));
        this.classes = classes;
    }

    /** Logits (B, classes) of vectors (B, in). */
    public NDArray apply(ParameterStore ps, NDArray v, boolean training) {
        NDArray h = Activation.relu(fc1.apply(ps, v, training));
        h = Activation.relu(fc2.apply(ps, h, training));
        return logits.apply(ps, h, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), classes)};
    }
}
