package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.ModelConfig;

/**
 * {@code roi_heads.box_predictor} (torchvision's FastRCNNPredictor): {@code cls_score} 128 -> C class logits and
 * {@code bbox_pred} 128 -> 4C per-class deltas (columns {@code 4c .. 4c+3} for class c, to decode with weights
 * (10, 10, 5, 5)). C = 4 (background, lung, GGO, consolidation).
 */
public final class BoxPredictor extends NetBlock {
    private final Dense clsScore;
    private final Dense bboxPred;

    public BoxPredictor(int in, int numClasses) {
        clsScore = addChildBlock("cls_score", Dense.torchDefault(in, numClasses));
        bboxPred = addChildBlock("bbox_pred", Dense.torchDefault(in, 4 * numClasses));
    }

    static BoxPredictor of(ModelConfig c) {
        return new BoxPredictor(c.representationSize(), c.numClasses());
    }

    /** (class logits (K, C), box regression (K, 4C)). */
    public NDList apply(ParameterStore ps, NDArray x, boolean training) {
        return new NDList(clsScore.apply(ps, x, training), bboxPred.apply(ps, x, training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return apply(ps, inputs.singletonOrThrow(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {clsScore.getOutputShapes(inputs)[0], bboxPred.getOutputShapes(inputs)[0]};
    }
}
