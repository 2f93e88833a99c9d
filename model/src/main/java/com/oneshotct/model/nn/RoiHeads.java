package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code roi_heads}: the segmentation branch's {@code box_head}, {@code box_predictor}, {@code mask_head} and
 * {@code mask_predictor}, run on RoIs the caller has pooled (RoIAlign, sampling, post-processing are operators).
 * The classification branch's {@code box_head_s2} etc. join here later under their own names.
 */
public final class RoiHeads extends NetBlock {
    private final BoxHead boxHead;
    private final BoxPredictor boxPredictor;
    private final MaskHead maskHead;
    private final MaskPredictor maskPredictor;

    public RoiHeads(ModelConfig config) {
        boxHead = addChildBlock("box_head", BoxHead.of(config));
        boxPredictor = addChildBlock("box_predictor", BoxPredictor.of(config));
        maskHead = addChildBlock("mask_head", new MaskHead(config.fpnChannels()));
        maskPredictor = addChildBlock("mask_predictor", new MaskPredictor(config.fpnChannels(), config.numClasses()));
    }

    public BoxHead boxHead() {
        return boxHead;
    }

    public BoxPredictor boxPredictor() {
        return boxPredictor;
    }

    public MaskHead maskHead() {
        return maskHead;
    }

    public MaskPredictor maskPredictor() {
        return maskPredictor;
    }

    /** (class logits (K, C), box regression (K, 4C)) of RoIs pooled 7x7, (K, 256, 7, 7). */
    public NDList box(ParameterStore ps, NDArray pooled7, boolean training) {
        return boxPredictor.apply(ps, boxHead.apply(ps, pooled7, training), training);
    }

    /** Mask logits (K, C, 28, 28) of RoIs pooled 14x14, (K, 256, 14, 14). */
    public NDArray mask(ParameterStore ps, NDArray pooled14, boolean training) {
        return maskPredictor.apply(ps, maskHead.apply(ps, pooled14, training), training);
    }

    /** Inputs (pooled 7x7, pooled 14x14); outputs (class logits, box regression, mask logits). */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException("RoiHeads expects (pooled 7x7, pooled 14x14), got " + inputs.size()
                    + " arrays");
        }
        NDList out = box(ps, inputs.get(0), training);
        out.add(mask(ps, inputs.get(1), training));
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape[] box = boxPredictor.getOutputShapes(boxHead.getOutputShapes(new Shape[] {inputs[0]}));
        Shape[] mask = maskPredictor.getOutputShapes(maskHead.getOutputShapes(new Shape[] {inputs[1]}));
        return new Shape[] {box[0], box[1], mask[0]};
    }
}
