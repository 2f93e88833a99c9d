package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Anchor boxes of a one-level RPN, exactly as torchvision's {@code AnchorGenerator} lays them out for a single
 * feature map (model-spec section 3).
 *
 * <p>Base anchor for ratio r and size s, all in float32 as torchvision computes it: h = sqrt(r), w = 1 / h, then
 * (-w*s, -h*s, w*s, h*s) / 2 rounded half to even ({@code torch.round}), so that e.g. ratio 0.25 size 2
 * (h*s/2 = 0.5) rounds to 0, not 1. Base anchors run ratio-major (index = ratio * sizes + size). Location (y, x)
 * shifts a base anchor by (x*strideX, y*strideY) with no half-stride offset. Output order is (H, W, A), the order
 * in which the RPN head's outputs are flattened.
 */
public final class Anchors {
    /** Model-spec sizes. */
    public static final float[] SIZES = {2, 4, 8, 16, 32};
    /** Model-spec aspect ratios (height / width). */
    public static final float[] RATIOS = {0.1f, 0.25f, 0.5f, 1f, 1.5f, 2f};

    private final float[] base;
    private final int count;

    /** The generator of model-spec section 3: 5 sizes x 6 ratios = 30 anchors per location. */
    public Anchors() {
        this(SIZES, RATIOS);
    }

    public Anchors(float[] sizes, float[] ratios) {
        if (sizes.length == 0 || ratios.length == 0) {
            throw new IllegalArgumentException("anchor sizes and ratios must not be empty");
        }
        for (float r : ratios) {
            if (!(r > 0) || Float.isInfinite(r)) {
                throw new IllegalArgumentException("anchor aspect ratio must be positive and finite, got " + r);
            }
        }
        for (float s : sizes) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("anchor size must be positive and finite, got " + s);
            }
        }
        count = sizes.length * ratios.length;
        base = new float[count * 4];
        int k = 0;
        for (float r : ratios) {
            // A double sqrt rounded to float is the correctly rounded float sqrt, as torch.sqrt gives.
            float h = (float) Math.sqrt(r);
            float w = 1f / h;
            for (float s : sizes) {
                float ws = w * s;
                float hs = h * s;
                base[k++] = (float) Math.rint(-ws / 2f);
                base[k++] = (float) Math.rint(-hs / 2f);
                base[k++] = (float) Math.rint(ws / 2f);
                base[k++] = (float) Math.rint(hs / 2f);
            }
        }
    }

    /** Anchors per feature-map location. */
    public int perLocation() {
        return count;
    }

    /** The centred base anchors, (perLocation x 4) row-major, x1, y1, x2, y2. */
    public float[] base() {
        return base.clone();
    }

    /**
     * All anchors of a gridH x gridW feature map whose cells are strideY x strideX image pixels, row-major
     * (gridH * gridW * perLocation) x 4.
     */
    public float[] grid(int gridH, int gridW, int strideY, int strideX) {
        if (gridH <= 0 || gridW <= 0 || strideY <= 0 || strideX <= 0) {
            throw new IllegalArgumentException(String.format(
                    "anchor grid %dx%d with stride %dx%d: all must be positive", gridH, gridW, strideY, strideX));
        }
        long n = (long) gridH * gridW * count * 4;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("anchor grid " + gridH + "x" + gridW + " is too large");
        }
        float[] out = new float[(int) n];
        int k = 0;
        for (int y = 0; y < gridH; y++) {
            float sy = (float) y * strideY;
            for (int x = 0; x < gridW; x++) {
                float sx = (float) x * strideX;
                for (int a = 0; a < count; a++) {
                    out[k++] = sx + base[4 * a];
                    out[k++] = sy + base[4 * a + 1];
                    out[k++] = sx + base[4 * a + 2];
                    out[k++] = sy + base[4 * a + 3];
                }
            }
        }
        return out;
    }

    /**
     * The anchors of one feature map for an imageH x imageW image, with torchvision's stride
     * (image size // map size, integer division), as an (N x 4) float32 array on {@code manager}.
     */
    public NDArray generate(NDManager manager, int imageH, int imageW, int gridH, int gridW) {
        if (gridH <= 0 || gridW <= 0 || imageH < gridH || imageW < gridW) {
            throw new IllegalArgumentException(String.format(
                    "feature map %dx%d does not fit image %dx%d", gridH, gridW, imageH, imageW));
        }
        float[] a = grid(gridH, gridW, imageH / gridH, imageW / gridW);
        return Native.owned(manager.create(a, new Shape(a.length / 4, 4)));
    }
}
