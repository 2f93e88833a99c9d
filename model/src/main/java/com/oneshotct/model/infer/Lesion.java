package com.oneshotct.model.infer;

import com.oneshotct.model.data.MaskLabel;
import com.oneshotct.model.metrics.BinaryMask;

/**
 * One detected instance, in the input image's own pixels.
 *
 * @param label lung, GGO or consolidation
 * @param score the box head's class probability
 * @param box x1, y1, x2, y2 (floating point, original image pixels)
 * @param mask the instance mask (probability above 0.5) at the original image size
 */
public record Lesion(MaskLabel label, double score, float[] box, BinaryMask mask) {
    public Lesion {
        box = box.clone();
    }

    @Override
    public float[] box() {
        return box.clone();
    }
}
