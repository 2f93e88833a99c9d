package com.oneshotct.model.data;

/**
 * One lesion or lung instance of a segmentation mask: one 8-connected component of one mask value.
 *
 * @param label the mask value, see {@link MaskLabel}
 * @param box its extent
 * @param area its pixel count
 */
public record Instance(int label, Box box, int area) {
    public Instance {
        MaskLabel.of(label);
        if (area <= 0) {
            throw new IllegalArgumentException("instance area must be positive: " + area);
        }
    }
}
