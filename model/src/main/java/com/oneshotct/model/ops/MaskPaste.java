package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * torchvision's {@code paste_masks_in_image(masks, boxes, (h, w), padding=1)}: each {@code M x M} mask probability
 * map, padded with one zero pixel per side, its box widened by {@code (M + 2) / M} about the centre and truncated to
 * integers, bilinearly resized ({@code align_corners=False}) to the integer box size and written into an empty image.
 *
 * <p>Plain Java (inference only, no gradient); only the pixels inside the image are interpolated, not the whole
 * resized mask. Float arithmetic in torchvision's order, so the integer box sizes come out the same.
 */
public final class MaskPaste {
    /** torchvision's {@code TO_REMOVE}: a box from x0 to x1 covers x1 - x0 + 1 pixels. */
    private static final int TO_REMOVE = 1;
    private static final int PADDING = 1;

    private MaskPaste() {}

    /**
     * @param mask row-major {@code m x m} probabilities
     * @param box x1, y1, x2, y2 in image pixels (before the padding expansion)
     * @return row-major {@code height x width}
     */
    public static float[] paste(float[] mask, int m, float[] box, int height, int width) {
        if (m < 1 || mask.length != m * m) {
            throw new IllegalArgumentException("mask holds " + mask.length + " values, expected " + m + " x " + m);
        }
        if (box.length != 4) {
            throw new IllegalArgumentException("box must be x1, y1, x2, y2, got " + box.length + " numbers");
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + " x " + width);
        }
        int padded = m + 2 * PADDING;
        float scale = (float) ((double) padded / m);
        float wHalf = (box[2] - box[0]) * .5f * scale;
        float hHalf = (box[3] - box[1]) * .5f * scale;
        float xc = (box[2] + box[0]) * .5f;
        float yc = (box[3] + box[1]) * .5f;
        // torch's .to(int64) truncates toward zero.
        int x0 = (int) (xc - wHalf);
        int y0 = (int) (yc - hHalf);
        int x1 = (int) (xc + wHalf);
        int y1 = (int) (yc + hHalf);
        int w = Math.max(x1 - x0 + TO_REMOVE, 1);
        int h = Math.max(y1 - y0 + TO_REMOVE, 1);
        int fromX = Math.max(x0, 0);
        int toX = Math.min(x1 + 1, width);
        int fromY = Math.max(y0, 0);
        int toY = Math.min(y1 + 1, height);
        float[] out = new float[height * width];
        if (fromX >= toX || fromY >= toY) {
            return out;
        }
        Linear cols = Linear.of(padded, w, fromX - x0, toX - x0);
        Linear rows = Linear.of(padded, h, fromY - y0, toY - y0);
        for (int y = fromY; y < toY; y++) {
            int r = y - fromY;
            for (int x = fromX; x < toX; x++) {
                int c = x - fromX;
                float top = cols.w0[c] * at(mask, m, rows.i0[r], cols.i0[c])
                        + cols.w1[c] * at(mask, m, rows.i0[r], cols.i1[c]);
                float bottom = cols.w0[c] * at(mask, m, rows.i1[r], cols.i0[c])
                        + cols.w1[c] * at(mask, m, rows.i1[r], cols.i1[c]);
                out[y * width + x] = rows.w0[r] * top + rows.w1[r] * bottom;
            }
        }
        return out;
    }

    /**
     * @param masks (N, M, M) or (N, 1, M, M) probabilities
     * @param boxes (N, 4) x1, y1, x2, y2
     * @return (N, height, width) float32 on {@code manager}
     */
    public static NDArray paste(NDManager manager, NDArray masks, NDArray boxes, int height, int width) {
        Shape ms = masks.getShape();
        long n = ms.get(0);
        boolean threeD = ms.dimension() == 3 && ms.get(1) == ms.get(2);
        boolean fourD = ms.dimension() == 4 && ms.get(1) == 1 && ms.get(2) == ms.get(3);
        if (!threeD && !fourD) {
            throw new IllegalArgumentException("masks must be (N, M, M) or (N, 1, M, M), got " + ms);
        }
        Shape bs = boxes.getShape();
        if (bs.dimension() != 2 || bs.get(0) != n || bs.get(1) != 4) {
            throw new IllegalArgumentException("boxes must be (" + n + ", 4) to match the masks, got " + bs);
        }
        int m = (int) ms.get(ms.dimension() - 1);
        float[] all = masks.toType(DataType.FLOAT32, false).toFloatArray();
        float[] b = boxes.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[(int) n * height * width];
        float[] one = new float[m * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, i * m * m, one, 0, m * m);
            float[] pasted = paste(one, m, new float[] {b[i * 4], b[i * 4 + 1], b[i * 4 + 2], b[i * 4 + 3]}, height,
                    width);
            System.arraycopy(pasted, 0, out, i * height * width, pasted.length);
        }
        return Native.owned(manager.create(out, new Shape(n, height, width)));
    }

    /** The padded mask: a zero ring of {@link #PADDING} pixels around {@code mask}. */
    private static float at(float[] mask, int m, int row, int col) {
        int r = row - PADDING;
        int c = col - PADDING;
        return r < 0 || c < 0 || r >= m || c >= m ? 0f : mask[r * m + c];
    }

    /**
     * PyTorch's linear resize of one axis ({@code align_corners=False}, no explicit scale factor) for output
     * indices {@code [from, to)}: source {@code (dst + 0.5) * in / out - 0.5}, clamped at 0, and its two neighbours.
     */
    private record Linear(int[] i0, int[] i1, float[] w0, float[] w1) {
        static Linear of(int in, int out, int from, int to) {
            float scale = (float) in / out;
            int n = to - from;
            int[] i0 = new int[n];
            int[] i1 = new int[n];
            float[] w0 = new float[n];
            float[] w1 = new float[n];
            for (int k = 0; k < n; k++) {
                float src = scale * (from + k + .5f) - .5f;
                if (src < 0) {
                    src = 0;
                }
                int low = (int) src;
                i0[k] = low;
                i1[k] = low < in - 1 ? low + 1 : low;
                w1[k] = src - low;
                w0[k] = 1f - w1[k];
            }
            return new Linear(i0, i1, w0, w1);
        }
    }
}
