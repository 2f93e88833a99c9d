package com.oneshotct.model.ops;

/**
 * RoIAlign's sampling along one axis, as torchvision's CPU kernel does it with {@code aligned=False}.
 *
 * <p>torchvision averages bilinear samples over a {@code grid x grid} lattice inside each output bin. The bilinear
 * weights are a product of a y part and an x part, the "sample outside the map gives zero" rule is an OR of a y test
 * and an x test (so a product of two indicators), and the average divides by {@code gridY * gridX}. So the whole
 * operator factors: {@code out[py][px] = sum_a sum_b Y[py][a] X[px][b] f[a][b]}, with one {@code pooled x length}
 * matrix per axis. This class builds one such matrix; its arithmetic is in float, in torchvision's order, so that
 * sample positions truncate to the same pixel as theirs.
 *
 * @param weights row-major {@code pooled x length}; row {@code p} already divided by the grid count
 * @param lo first index of row {@code p}'s non-zero span ({@code lo[p] > hi[p]} when the row is all zero)
 * @param hi last index of row {@code p}'s non-zero span
 */
record RoiAxis(int pooled, int length, float[] weights, int[] lo, int[] hi) {

    /**
     * The weights for a roi spanning {@code [start, end]} (feature-map units, already scaled) on an axis of
     * {@code length} pixels.
     *
     * @param samplingRatio samples per bin along this axis; 0 or less picks torchvision's adaptive
     *     {@code ceil(roiSize / pooled)}
     */
    static RoiAxis of(float start, float end, int pooled, int samplingRatio, int length) {
        // aligned=False: a roi is never thinner than one feature pixel.
        float size = Math.max(end - start, 1f);
        float bin = size / pooled;
        int grid = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(size / pooled);
        float[] w = new float[pooled * length];
        int[] lo = new int[pooled];
        int[] hi = new int[pooled];
        for (int p = 0; p < pooled; p++) {
            lo[p] = Integer.MAX_VALUE;
            hi[p] = -1;
            for (int i = 0; i < grid; i++) {
                float pos = start + p * bin + (i + .5f) * bin / grid;
                if (pos < -1f || pos > length) {
                    continue;
                }
                if (pos <= 0) {
                    pos = 0;
                }
                int low = (int) pos;
                int high;
                if (low >= length - 1) {
                    low = length - 1;
                    high = low;
                    pos = low;
                } else {
                    high = low + 1;
                }
                float frac = pos - low;
                w[p * length + low] += (1f - frac) / grid;
                w[p * length + high] += frac / grid;
                lo[p] = Math.min(lo[p], low);
                hi[p] = Math.max(hi[p], high);
            }
        }
        return new RoiAxis(pooled, length, w, lo, hi);
    }

    float at(int p, int i) {
        return weights[p * length + i];
    }
}
