package com.oneshotct.model.metrics;

import java.util.Objects;

/** One ground-truth instance: its label (mask value / category id) and its binary mask. */
public record MaskTruth(int label, BinaryMask mask) {
    public MaskTruth {
        Objects.requireNonNull(mask, "mask");
    }
}
