package com.oneshotct.model.data;

/** Image classes of COVIDx-CT / CNCB-NCOV; the index is the file-name prefix and the logit index. */
public enum ImageClass {
    NORMAL(0),
    CP(1),
    COVID(2);

    public final int index;

    ImageClass(int index) {
        this.index = index;
    }

    public static ImageClass of(int index) {
        if (index < 0 || index > 2) {
            throw new IllegalArgumentException("image class must be 0 (Normal), 1 (CP) or 2 (COVID-19), got " + index);
        }
        return values()[index];
    }
}
