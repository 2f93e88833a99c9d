package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PreprocessTest {
    private static final Path GOLDEN =
            Path.of(System.getProperty("oneshot.golden.dir", "../shared/golden/torchvision"));

    @Test
    void goldenStandardisation() throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList golden = NDList.decode(manager, Files.readAllBytes(GOLDEN.resolve("standardise.npz")));
            NDArray image = golden.get("image");
            NDArray expected = golden.get("standardised");
            assertEquals(new Shape(3, 40, 56), image.getShape());
            float[] got = Preprocess.standardise(image.toFloatArray(), 3, 40, 56);
            float[] want = expected.toFloatArray();
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                // relative 1e-5, with an absolute floor of 1e-5 for values near zero (they are O(1) overall)
                double err = Math.abs(got[i] - want[i]) / Math.max(1.0, Math.abs(want[i]));
                worst = Math.max(worst, err);
            }
            assertTrue(worst <= 1e-5, "worst relative error " + worst);
        }
    }

    @Test
    void standardiseByHand() {
        // [1,2,3,4]: mean 2.5, squared deviations 2.25+0.25+0.25+2.25 = 5, unbiased var 5/3, std 1.2909944;
        // (x - 2.5) / std = -1.1618950, -0.3872983, 0.3872983, 1.1618950.
        // Second channel [7,7,7,7] is constant: std 0 is taken as 1, so it becomes zeros, not NaN.
        float[] out = Preprocess.standardise(new float[] {1, 2, 3, 4, 7, 7, 7, 7}, 2, 2, 2);
        assertArrayEquals(new float[] {-1.1618950f, -0.3872983f, 0.3872983f, 1.1618950f, 0, 0, 0, 0}, out, 1e-6f);
    }

    @Test
    void identityResizeCopies() {
        float[] src = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
        assertArrayEquals(src, Preprocess.resizeBilinear(src, 3, 4, 3, 4));
    }

    @Test
    void upscale2x2To4x4() {
        // scale 2/4 = 0.5; source coordinate 0.5 * (d + 0.5) - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25;
        // 1.25 has no right neighbour (index 1 is the last), so it is pixel 1. Along a row of [10, 20]:
        // 10, 0.75*10 + 0.25*20 = 12.5, 0.25*10 + 0.75*20 = 17.5, 20. Columns the same between rows 10.. and 30..
        // (PyTorch 1.13 F.interpolate gives exactly these values.)
        float[] out = Preprocess.resizeBilinear(new float[] {10, 20, 30, 40}, 2, 2, 4, 4);
        assertArrayEquals(new float[] {
            10, 12.5f, 17.5f, 20,
            15, 17.5f, 22.5f, 25,
            25, 27.5f, 32.5f, 35,
            30, 32.5f, 37.5f, 40}, out);
    }

    @Test
    void downscaleByTwoAveragesBlocks() {
        // scale 2: source coordinate 2 * (d + 0.5) - 0.5 = 2d + 0.5, weight 0.5 each side: the mean of each 2x2 block.
        // 0..15 row-major: (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, (8+9+12+13)/4 = 10.5, (10+11+14+15)/4 = 12.5.
        float[] src = new float[16];
        for (int i = 0; i < 16; i++) {
            src[i] = i;
        }
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, Preprocess.resizeBilinear(src, 4, 4, 2, 2));
    }

    @Test
    void downscaleThreeToTwo() {
        // scale 1.5: d=0 -> 0.25 (0.75*a + 0.25*b), d=1 -> 1.75 (0.25*b + 0.75*c); [0, 100, 200] -> 25, 175.
        assertArrayEquals(new float[] {25, 175}, Preprocess.resizeBilinear(new float[] {0, 100, 200}, 1, 3, 1, 2));
    }

    @Test
    void fullPipelineByHand() {
        // 2x2 slice [0, 255; 255, 0] at its own size: /255 -> [0, 1, 1, 0], mean 0.5, unbiased var 4*0.25/3,
        // std 0.5773503, so -0.8660254 and 0.8660254, the same in all three channels.
        GreyImage img = new GreyImage(2, 2, new byte[] {0, (byte) 255, (byte) 255, 0});
        float[] out = new Preprocess(2, 2).apply(img);
        float a = 0.8660254f;
        assertArrayEquals(new float[] {-a, a, a, -a, -a, a, a, -a, -a, a, a, -a}, out, 1e-6f);
    }

    @Test
    void pipelineOutputHasZeroMeanUnitStdPerChannel() {
        byte[] px = new byte[37 * 53];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) ((i * 31 + (i / 53) * 7) % 256);
        }
        Preprocess pre = new Preprocess(64, 48);
        float[] out = pre.apply(new GreyImage(53, 37, px));
        int n = 64 * 48;
        assertEquals(3 * n, out.length);
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                sum += out[c * n + i];
                sq += out[c * n + i] * (double) out[c * n + i];
            }
            double mean = sum / n;
            assertEquals(0, mean, 1e-6);
            assertEquals(1, Math.sqrt((sq - n * mean * mean) / (n - 1)), 1e-5);
        }
        assertArrayEquals(Arrays.copyOfRange(out, 0, n), Arrays.copyOfRange(out, 2 * n, 3 * n));
    }

    @Test
    void blankSliceGivesZerosNotNan() {
        float[] out = Preprocess.standard().apply(new GreyImage(4, 4, new byte[16]));
        assertEquals(3 * 512 * 512, out.length);
        for (float v : out) {
            assertEquals(0f, v);
        }
    }

    @Test
    void ndArrayIsThreeByHeightByWidthFloat32() {
        GreyImage img = new GreyImage(3, 2, new byte[] {0, 10, 20, 30, 40, 50});
        Preprocess pre = new Preprocess(4, 5);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = pre.apply(manager, img);
            assertEquals(new Shape(3, 4, 5), a.getShape());
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertArrayEquals(pre.apply(img), a.toFloatArray());
        }
    }
}
