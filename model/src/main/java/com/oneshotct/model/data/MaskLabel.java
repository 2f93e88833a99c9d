package com.oneshotct.model.data;

/** Mask values of the CNCB-NCOV segmentation layout; the value is also the detection label. */
public enum MaskLabel {
    BACKGROUND(0),
    LUNG(1),
    GGO(2),
    CONSOLIDATION(3);

    public final int value;

    MaskLabel(int value) {
        this.value = value;
    }

    public static MaskLabel of(int value) {
        if (value < 0 || value > 3) {
            throw new IllegalArgumentException("mask value must be 0..3, got " + value);
        }
        return values()[value];
    }
}
