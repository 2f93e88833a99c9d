package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Mask R-CNN's mask targets (torchvision {@code project_masks_on_boxes}): each positive proposal's matched
 * ground-truth mask, a binary image of its own, RoIAligned into the proposal box at {@code M x M}, spatial scale 1,
 * adaptive sampling, {@code aligned=False}.
 *
 * <p>Plain Java: targets carry no gradient, and the masks are full-size images (512x512), where only the pixels
 * under each box matter. Per target this reads the span of rows and columns each bin samples
 * ({@link RoiAxis#lo()}/{@link RoiAxis#hi()}), about {@code (M * (grid + 1))^2} pixels, never the whole mask.
 */
public final class MaskTargets {
    private MaskTargets() {}

    /**
     * One target.
     *
     * @param mask row-major {@code height x width}
     * @param box x1, y1, x2, y2 in mask pixels
     * @param size M (28 in Mask R-CNN)
     * @return row-major {@code size x size}
     */
    public static float[] project(float[] mask, int width, int height, float[] box, int size) {
        if (width < 1 || height < 1 || mask.length != width * height) {
            throw new IllegalArgumentException("mask holds " + mask.length + " values, expected " + width + " x "
                    + height);
        }
        if (box.length != 4) {
            throw new IllegalArgumentException("box must be x1, y1, x2, y2, got " + box.length + " numbers");
        }
        if (size < 1) {
            throw new IllegalArgumentException("mask target size must be at least 1, got " + size);
        }
        RoiAxis ax = RoiAxis.of(box[0], box[2], size, 0, width);
        RoiAxis ay = RoiAxis.of(box[1], box[3], size, 0, height);
        float[] out = new float[size * size];
        // One row of the x-contraction, reused for each mask row the y weights touch.
        float[] row = new float[size];
        for (int py = 0; py < size; py++) {
            for (int a = ay.lo()[py]; a <= ay.hi()[py]; a++) {
                float wy = ay.at(py, a);
                if (wy == 0f) {
                    continue;
                }
                int base = a * width;
                for (int px = 0; px < size; px++) {
                    float sum = 0f;
                    for (int b = ax.lo()[px]; b <= ax.hi()[px]; b++) {
                        sum += ax.at(px, b) * mask[base + b];
                    }
                    row[px] = sum;
                }
                for (int px = 0; px < size; px++) {
                    out[py * size + px] += wy * row[px];
                }
            }
        }
        return out;
    }

    /**
     * One image's ground-truth masks, each a row-major plane of {@code width * height} values in [0, 1], made only
     * when asked ({@code plane(i)} is called at most once per index).
     */
    public record Planes(int count, int width, int height, IntFunction<float[]> plane) {}

    /**
     * The targets of a batch of positives, as torchvision builds them from {@code gt_masks[matched_idxs]}.
     *
     * @param gt ground-truth masks of one image
     * @param matched for each positive proposal, the index into {@code gt} it was matched to
     * @param boxes (N, 4) positive proposals, x1, y1, x2, y2 in image pixels
     * @param size M
     * @return (N, M, M) float32 on {@code manager}
     */
    public static NDArray build(NDManager manager, Planes gt, int[] matched, NDArray boxes, int size) {
        return assemble(manager, gt.count(), gt.width(), gt.height(), gt.plane(), matched, boxes, size);
    }

    /**
     * As {@link #build(NDManager, Planes, int[], NDArray, int)}, with the masks as one array.
     *
     * @param gt (G, H, W) ground-truth masks
     */
    public static NDArray build(NDManager manager, NDArray gt, int[] matched, NDArray boxes, int size) {
        Shape g = gt.getShape();
        if (g.dimension() != 3) {
            throw new IllegalArgumentException("ground-truth masks must be (G, H, W), got " + g);
        }
        int count = (int) g.get(0);
        int height = (int) g.get(1);
        int width = (int) g.get(2);
        float[] all = gt.toType(DataType.FLOAT32, false).toFloatArray();
        int plane = width * height;
        return assemble(manager, count, width, height,
                i -> Arrays.copyOfRange(all, i * plane, (i + 1) * plane), matched, boxes, size);
    }

    /** @param mask the plane of ground truth {@code i}, asked once per index */
    private static NDArray assemble(NDManager manager, int count, int width, int height, IntFunction<float[]> mask,
            int[] matched, NDArray boxes, int size) {
        Shape s = boxes.getShape();
        if (s.dimension() != 2 || s.get(1) != 4 || s.get(0) != matched.length) {
            throw new IllegalArgumentException("mask target boxes must be (" + matched.length + ", 4), got " + s);
        }
        float[] b = boxes.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[matched.length * size * size];
        // Several proposals usually share one ground truth: unpack each mask once.
        float[][] planes = new float[count][];
        for (int i = 0; i < matched.length; i++) {
            int m = matched[i];
            if (m < 0 || m >= count) {
                throw new IllegalArgumentException("positive " + i + " is matched to ground truth " + m + ", image has "
                        + count);
            }
            if (planes[m] == null) {
                planes[m] = mask.apply(m);
            }
            float[] t = project(planes[m], width, height,
                    new float[] {b[i * 4], b[i * 4 + 1], b[i * 4 + 2], b[i * 4 + 3]}, size);
            System.arraycopy(t, 0, out, i * size * size, t.length);
        }
        return Native.owned(manager.create(out, new Shape(matched.length, size, size)));
    }
}
