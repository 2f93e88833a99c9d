package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * torchvision's {@code roi_align} with {@code aligned=False}, built from NDArray operations so that autograd carries
 * the gradient into the feature map (none flows into the rois, as in torchvision).
 *
 * <p>The sampling factors into one weight matrix per axis ({@link RoiAxis}), so each run of consecutive rois on the
 * same image costs two matrix products: {@code (C*H, W) x (W, n*P)}, then a batched {@code (n, P, H) x (n, H, C*P)}.
 * On the model's 16x16 map that is five to seven times fewer multiplications than a dense interpolation matrix and
 * needs no gather of {@code C}-long rows per sample; its cost grows with {@code H*W}, so it suits feature maps, not
 * full-size images ({@link MaskTargets} handles those in plain Java).
 */
public final class RoiAlign {
    private final int outputSize;
    private final double spatialScale;
    private final int samplingRatio;

    /**
     * @param outputSize bins per side (7 for the box head, 14 for the mask head)
     * @param spatialScale feature-map pixels per image pixel (1/32 for C5)
     * @param samplingRatio samples per bin and axis; 0 or -1 for torchvision's adaptive
     *     {@code ceil(roiSize / outputSize)}
     */
    public RoiAlign(int outputSize, double spatialScale, int samplingRatio) {
        if (outputSize < 1) {
            throw new IllegalArgumentException("RoIAlign output size must be at least 1, got " + outputSize);
        }
        if (!(spatialScale > 0) || Double.isInfinite(spatialScale)) {
            throw new IllegalArgumentException("RoIAlign spatial scale must be positive, got " + spatialScale);
        }
        this.outputSize = outputSize;
        this.spatialScale = spatialScale;
        this.samplingRatio = samplingRatio;
    }

    public int outputSize() {
        return outputSize;
    }

    /**
     * @param feature (B, C, H, W), floating point
     * @param rois (K, 5): batch index, x1, y1, x2, y2 in image pixels
     * @return (K, C, P, P), attached to the feature's manager
     */
    public NDArray apply(NDArray feature, NDArray rois) {
        Shape s = rois.getShape();
        if (s.dimension() != 2 || s.get(1) != 5) {
            throw new IllegalArgumentException("RoIAlign rois must be (K, 5) = (batch, x1, y1, x2, y2), got " + s);
        }
        float[] r = rois.toType(DataType.FLOAT32, false).toFloatArray();
        return apply(feature, r);
    }

    /**
     * The form torchvision's {@code MultiScaleRoIAlign} takes: one (K_i, 4) box array per image, in batch order.
     *
     * @return (sum K_i, C, P, P), image 0's boxes first
     */
    public NDArray apply(NDArray feature, NDList boxesPerImage) {
        int total = 0;
        float[][] parts = new float[boxesPerImage.size()][];
        for (int b = 0; b < parts.length; b++) {
            Shape s = boxesPerImage.get(b).getShape();
            if (s.dimension() != 2 || s.get(1) != 4) {
                throw new IllegalArgumentException("RoIAlign boxes of image " + b + " must be (K, 4), got " + s);
            }
            parts[b] = boxesPerImage.get(b).toType(DataType.FLOAT32, false).toFloatArray();
            total += parts[b].length / 4;
        }
        float[] rois = new float[total * 5];
        int k = 0;
        for (int b = 0; b < parts.length; b++) {
            for (int i = 0; i < parts[b].length; i += 4, k++) {
                rois[k * 5] = b;
                System.arraycopy(parts[b], i, rois, k * 5 + 1, 4);
            }
        }
        return apply(feature, rois);
    }

    /** @param rois K * 5 floats: batch index, x1, y1, x2, y2 per roi */
    public NDArray apply(NDArray feature, float[] rois) {
        Shape fs = feature.getShape();
        if (fs.dimension() != 4) {
            throw new IllegalArgumentException("RoIAlign feature must be (B, C, H, W), got " + fs);
        }
        if (!feature.getDataType().isFloating()) {
            throw new IllegalArgumentException("RoIAlign feature must be floating point, got " + feature.getDataType());
        }
        if (rois.length % 5 != 0) {
            throw new IllegalArgumentException("RoIAlign rois must hold 5 numbers each, got " + rois.length);
        }
        int batch = (int) fs.get(0);
        int k = rois.length / 5;
        for (int i = 0; i < k; i++) {
            float b = rois[i * 5];
            if (b != Math.rint(b) || b < 0 || b >= batch) {
                throw new IllegalArgumentException("RoIAlign roi " + i + " has batch index " + b + ", feature has "
                        + batch + " images");
            }
        }
        NDManager parent = feature.getManager();
        int channels = (int) fs.get(1);
        if (k == 0) {
            return parent.zeros(new Shape(0, channels, outputSize, outputSize), feature.getDataType());
        }
        try (NDManager scope = parent.newSubManager()) {
            feature.tempAttach(scope);
            NDList runs = new NDList();
            for (int start = 0; start < k; ) {
                int end = start + 1;
                while (end < k && rois[end * 5] == rois[start * 5]) {
                    end++;
                }
                runs.add(run(scope, feature, rois, start, end));
                start = end;
            }
            NDArray out = runs.size() == 1 ? runs.get(0) : NDArrays.concat(runs, 0);
            out.attach(parent);
            return out;
        }
    }

    /** Rois {@code [start, end)}, all on the same image. */
    private NDArray run(NDManager scope, NDArray feature, float[] rois, int start, int end) {
        Shape fs = feature.getShape();
        int c = (int) fs.get(1);
        int h = (int) fs.get(2);
        int w = (int) fs.get(3);
        int p = outputSize;
        int n = end - start;
        float[] xt = new float[w * n * p];
        float[] y = new float[n * p * h];
        for (int j = 0; j < n; j++) {
            int o = (start + j) * 5;
            // torchvision multiplies in double and stores the product as float.
            RoiAxis ax = RoiAxis.of((float) (rois[o + 1] * spatialScale), (float) (rois[o + 3] * spatialScale), p,
                    samplingRatio, w);
            RoiAxis ay = RoiAxis.of((float) (rois[o + 2] * spatialScale), (float) (rois[o + 4] * spatialScale), p,
                    samplingRatio, h);
            for (int q = 0; q < p; q++) {
                for (int i = 0; i < w; i++) {
                    xt[i * n * p + j * p + q] = ax.at(q, i);
                }
                System.arraycopy(ay.weights(), q * h, y, (j * p + q) * h, h);
            }
        }
        DataType type = feature.getDataType();
        NDArray xMat = Native.owned(scope.create(xt, new Shape(w, (long) n * p))).toType(type, false);
        NDArray yMat = Native.owned(scope.create(y, new Shape(n, p, h))).toType(type, false);
        NDArray image = feature.get((long) rois[start * 5]).reshape(c * (long) h, w);
        NDArray g = image.matMul(xMat)
                .reshape(c, h, n, p)
                .transpose(2, 1, 0, 3)
                .reshape(n, h, (long) c * p);
        return yMat.matMul(g).reshape(n, p, c, p).transpose(0, 2, 1, 3);
    }
}
