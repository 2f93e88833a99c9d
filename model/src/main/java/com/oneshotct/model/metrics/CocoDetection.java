package com.oneshotct.model.metrics;

import java.util.Objects;

/** One entry of a COCO results list: a scored instance mask. */
public record CocoDetection(long imageId, int categoryId, double score, BinaryMask mask) {
    public CocoDetection {
        Objects.requireNonNull(mask, "mask");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("detection score must be finite, got " + score);
        }
    }
}
