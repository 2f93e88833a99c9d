package com.oneshotct.model.metrics;

import java.util.Objects;

/**
 * A ground-truth instance of a COCO instances file.
 *
 * @param id the annotation id (informational: matching is by position, see {@link CocoMaskAp})
 * @param crowd COCO's {@code iscrowd}: a region of many objects, which the COCO evaluation ignores
 */
public record CocoAnnotation(long id, long imageId, int categoryId, BinaryMask mask, boolean crowd) {
    public CocoAnnotation {
        Objects.requireNonNull(mask, "mask");
    }
}
