package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.ModelConfig;
import java.util.List;

/**
 * {@code roi_heads}: the segmentation branch's {@code box_head}, {@code box_predictor}, {@code mask_head} and
 * {@code mask_predictor}, and the classification branch's {@code box_head_s2}, {@code box_predictor_s2},
 * {@code mask_head_s2} and truncated {@code mask_predictor_s2}, run on RoIs the caller has pooled (RoIAlign,
 * sampling, post-processing are operators). As a DJL block its forward runs the segmentation heads only.
 */
public final class RoiHeads extends NetBlock {
    private final BoxHead boxHead;
    private final BoxPredictor boxPredictor;
    private final MaskHead maskHead;
    private final MaskPredictor maskPredictor;
    private final BoxHead boxHeadS2;
    private final BoxPredictor boxPredictorS2;
    private final MaskHead maskHeadS2;
    private final S2MaskPredictor maskPredictorS2;

    public RoiHeads(ModelConfig config) {
        boxHead = addChildBlock("box_head", BoxHead.of(config));
        boxPredictor = addChildBlock("box_predictor", BoxPredictor.of(config));
        maskHead = addChildBlock("mask_head", new MaskHead(config.fpnChannels()));
        maskPredictor = addChildBlock("mask_predictor", new MaskPredictor(config.fpnChannels(), config.numClasses()));
        boxHeadS2 = addChildBlock("box_head_s2", BoxHead.of(config));
        boxPredictorS2 = addChildBlock("box_predictor_s2", BoxPredictor.of(config));
        maskHeadS2 = addChildBlock("mask_head_s2", new MaskHead(config.fpnChannels()));
        maskPredictorS2 = addChildBlock("mask_predictor_s2", new S2MaskPredictor(config.fpnChannels()));
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

    public BoxHead boxHeadS2() {
        return boxHeadS2;
    }

    public BoxPredictor boxPredictorS2() {
        return boxPredictorS2;
    }

    public MaskHead maskHeadS2() {
        return maskHeadS2;
    }

    public S2MaskPredictor maskPredictorS2() {
        return maskPredictorS2;
    }

    /** (class logits (K, C), box regression (K, 4C)) of RoIs pooled 7x7, (K, 256, 7, 7). */
    public NDList box(ParameterStore ps, NDArray pooled7, boolean training) {
        return boxPredictor.apply(ps, boxHead.apply(ps, pooled7, training), training);
    }

    /** Mask logits (K, C, 28, 28) of RoIs pooled 14x14, (K, 256, 14, 14). */
    public NDArray mask(ParameterStore ps, NDArray pooled14, boolean training) {
        return scoped(pooled14, x -> maskPredictor.apply(ps, maskHead.apply(ps, x, training), training));
    }

    /** s2 (class logits (K, C), box regression (K, 4C)) of RoIs pooled 7x7, (K, 256, 7, 7). */
    public NDList boxS2(ParameterStore ps, NDArray pooled7, boolean training) {
        return boxPredictorS2.apply(ps, boxHeadS2.apply(ps, pooled7, training), training);
    }

    /** s2 RoI mask features (K, 256, 28, 28) of RoIs pooled 14x14, (K, 256, 14, 14). */
    public NDArray maskFeaturesS2(ParameterStore ps, NDArray pooled14, boolean training) {
        return scoped(pooled14, x -> maskPredictorS2.apply(ps, maskHeadS2.apply(ps, x, training), training));
    }

    /**
     * Copies, in place, the segmentation heads' parameter values into their s2 twins: {@code box_head},
     * {@code box_predictor}, {@code mask_head} and {@code mask_predictor.conv_mask} (the reference's copy; its
     * {@code conv_reduce} has no twin and keeps its values). Needs an initialised block.
     */
    public void copySegmentationHeadsToS2() {
        copy(boxHead, boxHeadS2, "box_head");
        copy(boxPredictor, boxPredictorS2, "box_predictor");
        copy(maskHead, maskHeadS2, "mask_head");
        copy(maskPredictor.convMask(), maskPredictorS2.convMask(), "mask_predictor.conv_mask");
    }

    private static void copy(Block from, Block to, String what) {
        List<StateDict.Entry> src = StateDict.entries(from);
        List<StateDict.Entry> dst = StateDict.entries(to);
        if (src.size() != dst.size()) {
            throw new IllegalStateException(what + ": " + src.size() + " parameters, its s2 twin " + dst.size());
        }
        for (int i = 0; i < src.size(); i++) {
            StateDict.Entry s = src.get(i);
            StateDict.Entry d = dst.get(i);
            if (!s.key().equals(d.key()) || !s.shape().equals(d.shape())) {
                throw new IllegalStateException(what + ": " + s.key() + " " + s.shape() + " has no twin, got "
                        + d.key() + " " + d.shape());
            }
            if (!s.parameter().isInitialized() || !d.parameter().isInitialized()) {
                throw new IllegalStateException("initialize the model before copying " + what + "." + s.key());
            }
            s.parameter().getArray().copyTo(d.parameter().getArray());
        }
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
