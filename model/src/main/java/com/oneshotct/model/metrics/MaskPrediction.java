package com.oneshotct.model.metrics;

import java.util.Objects;

/**
 * One predicted instance: its label (mask value / category id), its score and its binary mask (probability > 0.5,
 * see {@link BinaryMask#threshold}).
 */
public record MaskPrediction(int label, double score, BinaryMask mask) {
    public MaskPrediction {
        Objects.requireNonNull(mask, "mask");
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("prediction score is NaN");
        }
    }
}
