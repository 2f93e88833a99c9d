package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.oneshotct.model.testing.Golden;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoiAlignTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void matchesTorchvisionForwardAndGradient() {
        try (NDManager m = manager.newSubManager()) {
            NDList g = Golden.load(m, "roi_align.npz");
            NDArray feature = g.get("feature");
            feature.setRequiresGradient(true);
            RoiAlign seven = new RoiAlign(7, 1 / 32.0, 2);
            RoiAlign fourteen = new RoiAlign(14, 1 / 32.0, 2);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out7 = seven.apply(feature, g.get("rois"));
                NDArray out14 = fourteen.apply(feature, g.get("rois"));
                Golden.assertClose(g.get("out7"), out7, 1e-4, 1e-6, "out7");
                Golden.assertClose(g.get("out14"), out14, 1e-4, 1e-6, "out14");
                NDArray loss = out7.mul(g.get("upstream7")).sum().add(out14.mul(g.get("upstream14")).sum());
                collector.backward(loss);
            }
            Golden.assertClose(g.get("grad_feature"), feature.getGradient(), 1e-4, 1e-5, "grad_feature");
        }
    }

    /**
     * Bilinear sampling reproduces a linear function exactly, and the bin's samples are symmetric about its centre,
     * so away from the border each bin equals the ramp at the bin centre. f = 2y + 3x + 1 on 10x10, roi x 2..6,
     * y 3..8, 2x2 bins: centres x = 3, 5 and y = 3 + 1.25 = 4.25, 3 + 3.75 = 6.75 ->
     * [[2*4.25+3*3+1, 2*4.25+3*5+1], [2*6.75+10, 2*6.75+16]] = [[18.5, 24.5], [23.5, 29.5]].
     */
    @Test
    void linearRampGivesItsValueAtBinCentres() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = ramp(m, 10, 10, 2, 3, 1);
            float[] expected = {18.5f, 24.5f, 23.5f, 29.5f};
            for (int sampling : new int[] {1, 2, 3, 0}) {
                NDArray out = new RoiAlign(2, 1.0, sampling).apply(feature, new float[] {0, 2, 3, 6, 8});
                assertEquals(new Shape(1, 1, 2, 2), out.getShape());
                assertArrayEquals(expected, out.toFloatArray(), 1e-4f, "sampling " + sampling);
            }
        }
    }

    /** Spatial scale 1/4: the same roi in 4x larger image pixels lands on the same feature positions. */
    @Test
    void spatialScaleDividesImageCoordinates() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = ramp(m, 10, 10, 2, 3, 1);
            NDArray out = new RoiAlign(2, 0.25, 2).apply(feature, new float[] {0, 8, 12, 24, 32});
            assertArrayEquals(new float[] {18.5f, 24.5f, 23.5f, 29.5f}, out.toFloatArray(), 1e-4f);
        }
    }

    @Test
    void roiOutsideTheMapGivesZeros() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = m.ones(new Shape(1, 3, 8, 8));
            NDArray out = new RoiAlign(7, 1.0, 2).apply(feature, new float[] {0, 20, 20, 30, 30});
            assertEquals(new Shape(1, 3, 7, 7), out.getShape());
            assertEquals(0f, out.abs().max().getFloat());
        }
    }

    /**
     * torchvision clamps samples in (W-1, W] to column W-1 and in [-1, 0] to column 0. f = x on a 4x4 map, roi
     * x 2.5..4, y 0..1, one bin, sampling 2: x samples 2.5 + 0.375 = 2.875 (interpolated: 2.875) and
     * 2.5 + 1.125 = 3.625 (clamped: 3) -> mean 2.9375. Roi x -0.9..0.1: width 1 (the minimum), samples -0.65 and
     * -0.15, both clamped to 0 -> 0.
     */
    @Test
    void samplesNearTheBorderAreClamped() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = ramp(m, 4, 4, 0, 1, 0);
            NDArray out = new RoiAlign(1, 1.0, 2).apply(feature, new float[] {0, 2.5f, 0, 4, 1, 0, -0.9f, 0, 0.1f, 1});
            assertArrayEquals(new float[] {2.9375f, 0f}, out.toFloatArray(), 1e-6f);
        }
    }

    /**
     * Adaptive sampling takes ceil(roiSize / outputSize) samples per bin: a roi 5 wide at output 2 takes 3 samples
     * per bin along x. f = x^2 (linearly interpolated between integers) tells the sample counts apart.
     */
    @Test
    void adaptiveSamplingUsesCeilOfRoiSizeOverOutput() {
        try (NDManager m = manager.newSubManager()) {
            float[] data = new float[8 * 8];
            for (int i = 0; i < data.length; i++) {
                int x = i % 8;
                data[i] = x * x;
            }
            NDArray feature = m.create(data, new Shape(1, 1, 8, 8));
            float[] roi = {0, 0, 0, 5, 1};
            float adaptive = new RoiAlign(2, 1.0, 0).apply(feature, roi).toFloatArray()[0];
            float three = new RoiAlign(2, 1.0, 3).apply(feature, roi).toFloatArray()[0];
            float two = new RoiAlign(2, 1.0, 2).apply(feature, roi).toFloatArray()[0];
            // Interpolated x^2 at 5/12: 5/12; at 15/12: 1 + 3 * 3/12 = 21/12; at 25/12: 4 + 5 * 1/12 = 53/12.
            // Mean (5 + 21 + 53) / 36 = 79/36. Two samples, at 0.625 and 1.875: (0.625 + 3.625) / 2 = 2.125.
            assertEquals(79f / 36, three, 1e-5f);
            // Along y the adaptive grid is ceil(1 / 2) = 1 against 3; f does not vary with y, so only rounding differs.
            assertEquals(three, adaptive, 1e-6f);
            assertEquals(2.125f, two, 1e-5f);
        }
    }

    /** Rois out of batch order are computed in runs; the result is the same as each roi on its own. */
    @Test
    void roisInAnyBatchOrderMatchOneAtATime() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = m.randomNormal(new Shape(3, 4, 9, 11));
            float[] rois = {2, 3, 4, 40, 30, 0, 0, 0, 20, 25, 0, 10, 5, 60, 70, 1, -5, -5, 12, 8, 2, 30, 2, 33, 9};
            RoiAlign align = new RoiAlign(3, 0.25, -1);
            NDArray all = align.apply(feature, rois);
            for (int k = 0; k < 5; k++) {
                float[] one = new float[5];
                System.arraycopy(rois, k * 5, one, 0, 5);
                Golden.assertClose(align.apply(feature, one).get(0), all.get(k), 1e-5, 1e-6, "roi " + k);
            }
        }
    }

    @Test
    void boxesPerImageEqualRois() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = m.randomNormal(new Shape(2, 3, 6, 6));
            NDList boxes = new NDList(m.create(new float[] {1, 2, 9, 11, 0, 0, 23, 23}, new Shape(2, 4)),
                    m.create(new float[] {4, 4, 12, 20}, new Shape(1, 4)));
            float[] rois = {0, 1, 2, 9, 11, 0, 0, 0, 23, 23, 1, 4, 4, 12, 20};
            RoiAlign align = new RoiAlign(2, 0.25, 2);
            Golden.assertClose(align.apply(feature, rois), align.apply(feature, boxes), 0, 0, "boxes per image");
        }
    }

    /**
     * Autograd against central finite differences in double on a tiny map: d sum(out * u) / d f[i], for rois that
     * cover the clamped border, two images and out-of-order batches.
     */
    @Test
    void gradientMatchesFiniteDifferences() {
        try (NDManager m = manager.newSubManager()) {
            Random random = new Random(3);
            int b = 2;
            int c = 2;
            int h = 4;
            int w = 5;
            double[] f = new double[b * c * h * w];
            for (int i = 0; i < f.length; i++) {
                f[i] = random.nextGaussian();
            }
            float[] rois = {1, -1.5f, 0.5f, 3.2f, 4.6f, 0, 0.3f, 1.1f, 4.9f, 2.7f, 1, 2.2f, 2.5f, 5.5f, 3.9f};
            RoiAlign align = new RoiAlign(3, 1.0, 0);
            int outSize = 3 * c * 3 * 3;
            double[] u = new double[outSize];
            for (int i = 0; i < u.length; i++) {
                u[i] = random.nextGaussian();
            }
            NDArray upstream = m.create(u, new Shape(3, c, 3, 3));
            NDArray feature = m.create(f, new Shape(b, c, h, w));
            feature.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = align.apply(feature, rois);
                assertEquals(DataType.FLOAT64, out.getDataType());
                collector.backward(out.mul(upstream).sum());
            }
            double[] grad = feature.getGradient().toDoubleArray();
            double eps = 1e-4;
            for (int i = 0; i < f.length; i++) {
                double saved = f[i];
                f[i] = saved + eps;
                double plus = objective(m, align, f, rois, upstream, b, c, h, w);
                f[i] = saved - eps;
                double minus = objective(m, align, f, rois, upstream, b, c, h, w);
                f[i] = saved;
                assertEquals((plus - minus) / (2 * eps), grad[i], 1e-7, "gradient at feature element " + i);
            }
        }
    }

    @Test
    void badInputIsRejected() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = m.zeros(new Shape(1, 1, 4, 4));
            RoiAlign align = new RoiAlign(2, 1.0, 2);
            IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                    () -> align.apply(feature, new float[] {1, 0, 0, 2, 2}));
            assertTrue(batch.getMessage().contains("batch index"), batch.getMessage());
            assertThrows(IllegalArgumentException.class, () -> align.apply(feature, m.zeros(new Shape(3, 4))));
            assertThrows(IllegalArgumentException.class, () -> align.apply(m.zeros(new Shape(4, 4)), new float[5]));
            assertThrows(IllegalArgumentException.class, () -> new RoiAlign(0, 1.0, 2));
            assertThrows(IllegalArgumentException.class, () -> new RoiAlign(7, 0, 2));
        }
    }

    /** Training calls this every step: its temporaries must not pile up on the caller's manager. */
    @Test
    void leavesOnlyItsResultOnTheFeaturesManager() {
        try (NDManager m = manager.newSubManager()) {
            NDArray feature = m.randomNormal(new Shape(2, 3, 8, 8));
            int before = m.getManagedArrays().size();
            float[] rois = {1, 0, 0, 9, 9, 0, 2, 2, 12, 7, 1, 3, 3, 5, 5};
            NDArray out = new RoiAlign(7, 0.5, 2).apply(feature, rois);
            assertEquals(before + 1, m.getManagedArrays().size());
            assertTrue(feature.getManager() == m && out.getManager() == m, "feature and result stay on the manager");
        }
    }

    @Test
    void noRoisGiveAnEmptyBatch() {
        try (NDManager m = manager.newSubManager()) {
            NDArray out = new RoiAlign(7, 1.0, 2).apply(m.zeros(new Shape(1, 5, 4, 4)), new float[0]);
            assertEquals(new Shape(0, 5, 7, 7), out.getShape());
        }
    }

    private static double objective(NDManager parent, RoiAlign align, double[] f, float[] rois, NDArray upstream,
            int b, int c, int h, int w) {
        try (NDManager m = parent.newSubManager()) {
            NDArray feature = m.create(f, new Shape(b, c, h, w));
            return align.apply(feature, rois).mul(upstream).sum().getDouble();
        }
    }

    /** (1, 1, h, w) holding a * y + b * x + c. */
    private static NDArray ramp(NDManager m, int h, int w, float a, float b, float c) {
        float[] data = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                data[y * w + x] = a * y + b * x + c;
            }
        }
        return m.create(data, new Shape(1, 1, h, w));
    }
}
