package com.oneshotct.model.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.ops.Native;

/**
 * The network's input from a grey slice, exactly as model-spec section 1: the grey slice as 3 equal channels,
 * bilinear resize to the configured size, scaled to [0, 1], then each channel standardised by its own mean and its
 * own unbiased (n - 1) standard deviation. Output is float32, channels-first (3 x height x width).
 *
 * <p>The resize is PyTorch's {@code F.interpolate(mode='bilinear', align_corners=False)} without antialiasing,
 * computed in float32 the same way: source coordinate {@code (dst + 0.5) * in / out - 0.5}, clamped at 0; the
 * neighbour to the right (below) is clamped at the last pixel; equal sizes copy. PyTorch 2.x computes that
 * coordinate in float32 (its "opmath" for float), as here; 1.13 used double. The two differ by one float32 rounding
 * of the coordinate: measured against 1.13, up to 0.0038 on the 0..255 scale (512 to 300 columns), and 7e-7 after
 * standardisation of a 300x410 slice resized to 512x512.
 *
 * <p>A constant channel has std 0, where PyTorch would divide 0 by 0 and give NaN: here it becomes all zeros
 * (std taken as 1), since a blank slice should feed the network zeros rather than poison it with NaN.
 */
public final class Preprocess {
    public static final int DEFAULT_SIZE = 512;
    public static final int CHANNELS = 3;

    private final int height;
    private final int width;

    public Preprocess(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("input size must be positive: " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
    }

    /** The model's input: {@value #DEFAULT_SIZE} x {@value #DEFAULT_SIZE}. */
    public static Preprocess standard() {
        return new Preprocess(DEFAULT_SIZE, DEFAULT_SIZE);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** 3 x height x width floats, channels-first. */
    public float[] apply(GreyImage img) {
        float[] grey = new float[img.pixels().length];
        byte[] px = img.pixels();
        for (int i = 0; i < px.length; i++) {
            grey[i] = px[i] & 0xff;
        }
        float[] resized = resizeBilinear(grey, img.height(), img.width(), height, width);
        for (int i = 0; i < resized.length; i++) {
            resized[i] /= 255f;
        }
        // The three channels are equal before standardisation and stay equal after it: compute one, copy it.
        float[] one = standardise(resized, 1, height, width);
        float[] out = new float[CHANNELS * one.length];
        for (int c = 0; c < CHANNELS; c++) {
            System.arraycopy(one, 0, out, c * one.length, one.length);
        }
        return out;
    }

    /** The same as {@link #apply(GreyImage)}, as a float32 array of shape (3, height, width). */
    public NDArray apply(NDManager manager, GreyImage img) {
        return Native.owned(manager.create(apply(img), new Shape(CHANNELS, height, width)));
    }

    /**
     * Bilinear resize of one row-major inH x inW plane to outH x outW, as PyTorch's
     * {@code upsample_bilinear2d(align_corners=False)} on float32 CPU tensors.
     */
    public static float[] resizeBilinear(float[] src, int inH, int inW, int outH, int outW) {
        if (src.length != inH * inW) {
            throw new IllegalArgumentException("plane has " + src.length + " values, " + inH + "x" + inW + " expected");
        }
        Axis ys = new Axis(inH, outH);
        Axis xs = new Axis(inW, outW);
        float[] out = new float[outH * outW];
        for (int oy = 0; oy < outH; oy++) {
            int r0 = ys.i0[oy] * inW;
            int r1 = ys.i1[oy] * inW;
            float h0 = ys.l0[oy];
            float h1 = ys.l1[oy];
            for (int ox = 0; ox < outW; ox++) {
                int c0 = xs.i0[ox];
                int c1 = xs.i1[ox];
                float w0 = xs.l0[ox];
                float w1 = xs.l1[ox];
                out[oy * outW + ox] = h0 * (w0 * src[r0 + c0] + w1 * src[r0 + c1])
                        + h1 * (w0 * src[r1 + c0] + w1 * src[r1 + c1]);
            }
        }
        return out;
    }

    /** Source indices and weights along one axis, as PyTorch's {@code compute_source_index_and_lambda}. */
    private static final class Axis {
        final int[] i0;
        final int[] i1;
        final float[] l0;
        final float[] l1;

        Axis(int in, int out) {
            i0 = new int[out];
            i1 = new int[out];
            l0 = new float[out];
            l1 = new float[out];
            float scale = (float) in / out;
            for (int d = 0; d < out; d++) {
                if (in == out) {
                    i0[d] = d;
                    i1[d] = d;
                    l0[d] = 1f;
                    continue;
                }
                float s = scale * (d + 0.5f) - 0.5f;
                if (s < 0) {
                    s = 0;
                }
                int i = Math.min((int) Math.floor(s), in - 1);
                float lambda = Math.min(Math.max(s - i, 0f), 1f);
                i0[d] = i;
                i1[d] = i + (i < in - 1 ? 1 : 0);
                l1[d] = lambda;
                l0[d] = 1f - lambda;
            }
        }
    }

    /**
     * Per-channel {@code (x - mean) / std} with the unbiased std, of a channels-first array; returns a new array.
     * Statistics are accumulated in double (as PyTorch's CPU reductions effectively are for float32).
     */
    public static float[] standardise(float[] chw, int channels, int height, int width) {
        int n = height * width;
        if (chw.length != channels * n) {
            throw new IllegalArgumentException("array has " + chw.length + " values, " + channels + "x" + height + "x"
                    + width + " expected");
        }
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            int off = c * n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += chw[off + i];
            }
            double mean = sum / n;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double d = chw[off + i] - mean;
                sq += d * d;
            }
            double std = n > 1 ? Math.sqrt(sq / (n - 1)) : 0;
            if (std == 0) {
                std = 1;
            }
            for (int i = 0; i < n; i++) {
                out[off + i] = (float) ((chw[off + i] - mean) / std);
            }
        }
        return out;
    }
}
