package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * torchvision's {@code ops.boxes} helpers on (x1, y1, x2, y2) boxes, both on NDArrays (N x 4) and on row-major
 * {@code float[]} of length 4N. The float arithmetic follows torchvision operation by operation (float32, same
 * order), so IoUs are bit-identical to {@code box_iou} and threshold decisions agree.
 */
public final class BoxOps {
    private BoxOps() {}

    /** Areas (N), (x2 - x1) * (y2 - y1). */
    public static NDArray area(NDArray boxes) {
        requireBoxes(boxes, "boxes");
        NDList c = boxes.split(4, 1);
        return c.get(2).sub(c.get(0)).mul(c.get(3).sub(c.get(1))).reshape(-1);
    }

    /** Areas of 4N coordinates. */
    public static float[] area(float[] boxes) {
        int n = count(boxes, "boxes");
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
        }
        return out;
    }

    /** Pairwise IoU (N x M) of {@code a} (N x 4) and {@code b} (M x 4), torchvision's {@code box_iou}. */
    public static NDArray iou(NDArray a, NDArray b) {
        requireBoxes(a, "first boxes");
        requireBoxes(b, "second boxes");
        NDArray areaA = area(a).expandDims(1);
        NDArray areaB = area(b).expandDims(0);
        NDArray ea = a.expandDims(1);
        NDArray eb = b.expandDims(0);
        NDList pa = ea.split(new long[] {2}, 2);
        NDList pb = eb.split(new long[] {2}, 2);
        NDArray lt = pa.get(0).maximum(pb.get(0));
        NDArray rb = pa.get(1).minimum(pb.get(1));
        NDList wh = rb.sub(lt).maximum(0f).split(2, 2);
        NDArray inter = wh.get(0).mul(wh.get(1)).squeeze(2);
        return inter.div(areaA.add(areaB).sub(inter));
    }

    /** Pairwise IoU of 4N and 4M coordinates, row-major N x M. */
    public static float[] iou(float[] a, float[] b) {
        int n = count(a, "first boxes");
        int m = count(b, "second boxes");
        float[] areaA = area(a);
        float[] areaB = area(b);
        float[] out = new float[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                out[i * m + j] = iou(a, i, areaA[i], b, j, areaB[j]);
            }
        }
        return out;
    }

    /**
     * IoU of box i of {@code a} and box j of {@code b} given their areas, in torchvision's float order:
     * inter / ((area_i + area_j) - inter), widths and heights clamped at 0.
     */
    static float iou(float[] a, int i, float areaI, float[] b, int j, float areaJ) {
        float w = Math.max(Math.min(a[4 * i + 2], b[4 * j + 2]) - Math.max(a[4 * i], b[4 * j]), 0f);
        float h = Math.max(Math.min(a[4 * i + 3], b[4 * j + 3]) - Math.max(a[4 * i + 1], b[4 * j + 1]), 0f);
        float inter = w * h;
        return inter / (areaI + areaJ - inter);
    }

    /**
     * Boxes (..., 4) clamped into a height x width image: x to [0, width], y to [0, height] (torchvision's
     * {@code clip_boxes_to_image}).
     */
    public static NDArray clip(NDArray boxes, int height, int width) {
        Shape s = boxes.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != 4) {
            throw new IllegalArgumentException("boxes must be (..., 4), got " + s);
        }
        requireSize(height, width);
        int last = s.dimension() - 1;
        NDList c = boxes.split(4, last);
        return NDArrays.concat(new NDList(c.get(0).clip(0, width), c.get(1).clip(0, height),
                c.get(2).clip(0, width), c.get(3).clip(0, height)), last);
    }

    /** A copy of 4N coordinates clamped into a height x width image. */
    public static float[] clip(float[] boxes, int height, int width) {
        count(boxes, "boxes");
        requireSize(height, width);
        float[] out = new float[boxes.length];
        for (int i = 0; i < boxes.length; i++) {
            float limit = i % 2 == 0 ? width : height;
            out[i] = Math.min(Math.max(boxes[i], 0f), limit);
        }
        return out;
    }

    /**
     * Indices (int64, ascending) of the boxes whose width and height are both >= minSize, torchvision's
     * {@code remove_small_boxes}.
     */
    public static NDArray removeSmall(NDArray boxes, float minSize) {
        requireBoxes(boxes, "boxes");
        int[] keep = removeSmall(toFloats(boxes), minSize);
        return indices(boxes.getManager(), keep).toDevice(boxes.getDevice(), false);
    }

    /** Indices (ascending) of the 4N-coordinate boxes whose width and height are both >= minSize. */
    public static int[] removeSmall(float[] boxes, float minSize) {
        int n = count(boxes, "boxes");
        int[] keep = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (boxes[4 * i + 2] - boxes[4 * i] >= minSize && boxes[4 * i + 3] - boxes[4 * i + 1] >= minSize) {
                keep[k++] = i;
            }
        }
        return Arrays.copyOf(keep, k);
    }

    /** An int64 index array on {@code manager} (the form the NDArray ops take). */
    public static NDArray indices(NDManager manager, int[] idx) {
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            l[i] = idx[i];
        }
        return Native.owned(manager.create(l, new Shape(l.length)));
    }

    /** The float32 values of an N x 4 box array, row-major, whatever its dtype. */
    public static float[] toFloats(NDArray boxes) {
        requireBoxes(boxes, "boxes");
        return boxes.toType(DataType.FLOAT32, false).toFloatArray();
    }

    static void requireBoxes(NDArray a, String what) {
        Shape s = a.getShape();
        if (s.dimension() != 2 || s.get(1) != 4) {
            throw new IllegalArgumentException(what + " must be N x 4, got " + s);
        }
    }

    static int count(float[] boxes, String what) {
        if (boxes.length % 4 != 0) {
            throw new IllegalArgumentException(what + ": " + boxes.length + " coordinates is not a multiple of 4");
        }
        return boxes.length / 4;
    }

    private static void requireSize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
    }
}
