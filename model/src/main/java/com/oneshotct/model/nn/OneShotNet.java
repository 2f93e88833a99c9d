package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-shot model's network, with the reference's module tree so that {@link StateDict} keys equal its
 * state-dict keys: {@code backbone} (body + fpn), {@code rpn} (head), {@code roi_heads} (box_head, box_predictor,
 * mask_head, mask_predictor and the classification branch's box_head_s2, box_predictor_s2, mask_head_s2,
 * mask_predictor_s2), and the attention branch's {@code attn_layer}, {@code pos_classifier_attn} and
 * {@code neg_classifier_attn}. The attention branch is one {@link AttentionHead}; its three blocks are registered
 * here directly, under the reference's top-level names, so they also form this network's state-dict keys.
 *
 * <p>The s2 heads' weights follow an {@link S2Weights} policy, {@link S2Weights#COPY} (the reference) unless the
 * constructor says otherwise: the trainer calls {@link #copySegmentationHeadsToS2()} when the segmentation loss went
 * down.
 *
 * <p>The parts run separately, because RoIAlign, proposals, sampling and NMS between them are operators driven by
 * the caller: {@link #features}, {@link #rpnHead}, {@link #boxHead}, {@link #maskHead}. As a DJL block its forward
 * takes images (N, 3, H, W) and returns (features, objectness, deltas).
 *
 * <p>BatchNorm follows {@link ModelConfig#bnMode()} (reference: batch statistics, also at inference), changeable
 * with {@link #setBnMode}; DJL's {@code training} flag only decides whether running statistics are updated.
 */
public final class OneShotNet extends NetBlock {
    private final ModelConfig config;
    private final Backbone backbone;
    private final Rpn rpn;
    private final RoiHeads roiHeads;
    private final S2Weights s2Weights;
    private final AttentionHead attention;

    /** A part of the network for parameter counts: its state-dict key prefixes and its parameter count. */
    public record Part(String id, String label, List<String> prefixes, long parameters) {}

    /** With the reference's s2 weight policy, {@link S2Weights#COPY}. */
    public OneShotNet(ModelConfig config) {
        this(config, S2Weights.COPY);
    }

    public OneShotNet(ModelConfig config, S2Weights s2Weights) {
        if (s2Weights == null) {
            throw new IllegalArgumentException("the s2 weight policy must be set: " + java.util.Arrays.toString(
                    S2Weights.values()));
        }
        this.config = config;
        this.s2Weights = s2Weights;
        backbone = addChildBlock("backbone", new Backbone(config));
        rpn = addChildBlock("rpn", new Rpn(config));
        roiHeads = addChildBlock("roi_heads", new RoiHeads(config));
        attention = AttentionHead.of(config);
        addChildBlock("attn_layer", attention.attention());
        addChildBlock("pos_classifier_attn", attention.positive());
        addChildBlock("neg_classifier_attn", attention.negative());
    }

    public ModelConfig config() {
        return config;
    }

    public Backbone backbone() {
        return backbone;
    }

    public Rpn rpn() {
        return rpn;
    }

    public RoiHeads roiHeads() {
        return roiHeads;
    }

    /** The FPN feature map (N, 256, H/32, W/32) of standardised images (N, 3, H, W). */
    public NDArray features(ParameterStore ps, NDArray images, boolean training) {
        return backbone.apply(ps, images, training);
    }

    /** (objectness (N, A, h, w), deltas (N, 4A, h, w)) of a feature map; layout in {@link RpnHead}. */
    public NDList rpnHead(ParameterStore ps, NDArray features, boolean training) {
        return rpn.apply(ps, features, training);
    }

    /** (class logits (K, C), box regression (K, 4C)) of RoIs pooled 7x7, (K, 256, 7, 7). */
    public NDList boxHead(ParameterStore ps, NDArray pooled7, boolean training) {
        return roiHeads.box(ps, pooled7, training);
    }

    /** Mask logits (K, C, 28, 28) of RoIs pooled 14x14, (K, 256, 14, 14). */
    public NDArray maskHead(ParameterStore ps, NDArray pooled14, boolean training) {
        return roiHeads.mask(ps, pooled14, training);
    }

    /** s2 (class logits (K, C), box regression (K, 4C)) of RoIs pooled 7x7, (K, 256, 7, 7). */
    public NDList boxHeadS2(ParameterStore ps, NDArray pooled7, boolean training) {
        return roiHeads.boxS2(ps, pooled7, training);
    }

    /** s2 RoI mask features (K, 256, 28, 28) of RoIs pooled 14x14, (K, 256, 14, 14). */
    public NDArray maskFeaturesS2(ParameterStore ps, NDArray pooled14, boolean training) {
        return roiHeads.maskFeaturesS2(ps, pooled14, training);
    }

    /** The attention branch: RoI mask features (16, 256, 28, 28) in sequence order -> image logits. */
    public AttentionHead attentionHead() {
        return attention;
    }

    /** Image logits (positive - negative) and the branch outputs of one sequence of s2 RoI mask features. */
    public AttentionHead.Output classify(ParameterStore ps, NDArray s2MaskFeatures, boolean training) {
        return attention.apply(ps, s2MaskFeatures, training);
    }

    /** Image logits (images, K) of the s2 RoI mask features of several images, one sequence after the other. */
    public AttentionHead.Output classify(ParameterStore ps, NDArray s2MaskFeatures, int images, boolean training) {
        return attention.apply(ps, s2MaskFeatures, images, training);
    }

    /**
     * The arrays the paper's segmentation step updates: backbone + FPN, RPN head, box and mask heads (not the s2
     * heads, which the reference copies, nor the attention branch).
     */
    public List<NDArray> segmentationParameters() {
        return trainable(k -> k.startsWith("backbone.") || k.startsWith("rpn.")
                || k.startsWith("roi_heads.box_head.") || k.startsWith("roi_heads.box_predictor.")
                || k.startsWith("roi_heads.mask_head.") || k.startsWith("roi_heads.mask_predictor."));
    }

    /**
     * The arrays the paper's classification step updates: backbone + FPN, attention layer and the two classifiers
     * (not the RPN or RoI heads, which run in inference mode there, nor the s2 heads).
     */
    public List<NDArray> classificationParameters() {
        return trainable(k -> k.startsWith("backbone.") || k.startsWith("attn_layer.")
                || k.startsWith("pos_classifier_attn.") || k.startsWith("neg_classifier_attn."));
    }

    /**
     * The arrays between the backbone body and the classification loss: the FPN, the attention layer and the two
     * classifiers (what {@link com.oneshotct.config.TrainConfig#headLrScale()} slows down).
     */
    public List<NDArray> headParameters() {
        return trainable(k -> k.startsWith("backbone.fpn.") || k.startsWith("attn_layer.")
                || k.startsWith("pos_classifier_attn.") || k.startsWith("neg_classifier_attn."));
    }

    /** The backbone body's arrays (what a body pre-training trains and {@code bodyLrScale} slows down). */
    public List<NDArray> bodyParameters() {
        return trainable(k -> k.startsWith("backbone.body."));
    }

    private List<NDArray> trainable(java.util.function.Predicate<String> key) {
        return StateDict.entries(this).stream().filter(e -> !e.kind().buffer() && key.test(e.key()))
                .map(e -> e.parameter().getArray()).toList();
    }

    /** How the s2 heads get their weights. */
    public S2Weights s2Weights() {
        return s2Weights;
    }

    /**
     * Copies the segmentation heads' values into the s2 heads, in place (see
     * {@link RoiHeads#copySegmentationHeadsToS2}); callable whatever the policy, which tells the trainer whether to
     * call it.
     */
    public void copySegmentationHeadsToS2() {
        roiHeads.copySegmentationHeadsToS2();
    }

    /** Sets the statistics every BatchNorm of the network normalises with. */
    public void setBnMode(BnMode mode) {
        setBnMode(this, mode);
    }

    private static void setBnMode(Block block, BnMode mode) {
        if (block instanceof BatchNorm2d bn) {
            bn.setMode(mode);
        }
        for (Pair<String, Block> child : block.getChildren()) {
            setBnMode(child.getValue(), mode);
        }
    }

    /** Trainable parameters of the whole network (running statistics excluded). */
    public long parameterCount() {
        return StateDict.count(this);
    }

    /** Parameter counts per part, in the rows of model-spec section 7. Needs no initialisation. */
    public List<Part> parts() {
        List<StateDict.Entry> entries = StateDict.entries(this);
        String body = switch (config.backbone()) {
            case RESNEXT50_32X4D -> "ResNeXt50-32x4d body";
            case RESNEXT101_32X8D -> "ResNeXt101-32x8d body";
            case RESNET18 -> "ResNet18 body";
            case RESNET34 -> "ResNet34 body";
        };
        List<Part> parts = new ArrayList<>();
        parts.add(part(entries, "body", body, "backbone.body."));
        parts.add(part(entries, "fpn", "FPN, one level", "backbone.fpn."));
        parts.add(part(entries, "rpn_head", "RPN head", "rpn.head."));
        parts.add(part(entries, "box", "box head + predictor", "roi_heads.box_head.", "roi_heads.box_predictor."));
        parts.add(part(entries, "mask", "mask head + predictor", "roi_heads.mask_head.",
                "roi_heads.mask_predictor."));
        parts.add(part(entries, "box_s2", "s2 box head + predictor", "roi_heads.box_head_s2.",
                "roi_heads.box_predictor_s2."));
        parts.add(part(entries, "mask_s2", "s2 mask head + truncated predictor", "roi_heads.mask_head_s2.",
                "roi_heads.mask_predictor_s2."));
        parts.add(part(entries, "attention", "attention layer", "attn_layer."));
        parts.add(part(entries, "classifiers", "two classifiers", "pos_classifier_attn.", "neg_classifier_attn."));
        return parts;
    }

    private static Part part(List<StateDict.Entry> entries, String id, String label, String... prefixes) {
        List<StateDict.Entry> mine = entries.stream()
                .filter(e -> List.of(prefixes).stream().anyMatch(p -> e.key().startsWith(p))).toList();
        return new Part(id, label, List.of(prefixes), StateDict.count(mine));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray f = features(ps, inputs.singletonOrThrow(), training);
        NDList out = new NDList(f);
        out.addAll(rpnHead(ps, f, training));
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape[] f = backbone.getOutputShapes(inputs);
        Shape[] r = rpn.getOutputShapes(f);
        return new Shape[] {f[0], r[0], r[1]};
    }
}
