package com.oneshotct.model.nn;

/**
 * Where the classification branch's heads ({@code roi_heads.*_s2}) get their weights (model-spec section 6).
 * In every policy {@code mask_predictor_s2.conv_reduce} keeps its own weights (random init in the reference), and
 * the s2 heads are never trained.
 */
public enum S2Weights {
    /**
     * The reference (the default): {@code box_head_s2}, {@code box_predictor_s2}, {@code mask_head_s2} and
     * {@code mask_predictor_s2.conv_mask} are copies of the segmentation heads, refreshed by
     * {@link OneShotNet#copySegmentationHeadsToS2()} whenever the segmentation loss went down. The trainer calls it;
     * the network never copies on its own, so loaded or formula weights stay as they were set.
     */
    COPY,
    /** The s2 heads keep the weights they were initialised or loaded with; nothing copies into them. */
    OWN
}
