package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.testing.Golden;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MaskPasteTest {
    /**
     * Share of a pasted pixel's bilinear weight that falls on the 8x8 mask rather than on its zero padding, for
     * resized index j = 0..20 of the padded 10 -> 21 resize: source (j + 0.5) * 10/21 - 0.5.
     * j = 0: source < 0 -> 0, the padding: 0. j = 1: 4.5/21 = 3/14 onto mask column 0. j = 2: 14.5/21 = 29/42.
     * j = 3..17: both neighbours on the mask: 1. j = 18: 8 + 6.5/21, 1 - 6.5/21 = 29/42 on mask column 7.
     * j = 19: 1 - 16.5/21 = 3/14. j = 20: source 9.26, clamped to padding column 9: 0.
     */
    private static final double[] SHARE = share();

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
    void matchesTorchvision() {
        try (NDManager m = manager.newSubManager()) {
            NDList g = Golden.load(m, "paste_masks.npz");
            int height = (int) g.get("height").getLong();
            int width = (int) g.get("width").getLong();
            NDArray pasted = MaskPaste.paste(m, g.get("masks"), g.get("boxes"), height, width);
            Golden.assertClose(g.get("pasted"), pasted, 1e-4, 1e-6, "pasted masks");
        }
    }

    /**
     * Constant 0.6 on an 8x8 mask (padding scale 10/8 = 1.25, exact in float), box x 10..26, y 20..36: half sizes
     * 8 * 1.25 = 10 about centre (18, 28) -> box x 8..28, y 18..38, 21 pixels each way; pixel (x, y) is
     * 0.6 * share(x - 8) * share(y - 18), so 0.6 on x 11..25, y 21..35 and 0 outside x 8..28, y 18..38.
     */
    @Test
    void constantMaskFillsItsBox() {
        float[] mask = new float[64];
        Arrays.fill(mask, 0.6f);
        float[] out = MaskPaste.paste(mask, 8, new float[] {10, 20, 26, 36}, 50, 40);
        assertProfile(out, 50, 40, 8, 18);
        assertEquals(0.6f, out[30 * 40 + 20], 1e-6f);
    }

    /** The same box moved to x -6..10, y -6..10: expanded to -8..12, and only its part inside the image is written. */
    @Test
    void boxCrossingTheImageEdgeIsClipped() {
        float[] mask = new float[64];
        Arrays.fill(mask, 0.6f);
        float[] out = MaskPaste.paste(mask, 8, new float[] {-6, -6, 10, 10}, 30, 30);
        assertProfile(out, 30, 30, -8, -8);
    }

    @Test
    void boxOutsideTheImageLeavesItEmpty() {
        float[] mask = new float[64];
        Arrays.fill(mask, 1f);
        float[] out = MaskPaste.paste(mask, 8, new float[] {100, 100, 120, 110}, 30, 30);
        for (float v : out) {
            assertEquals(0f, v, 0f);
        }
    }

    @Test
    void channelAxisIsAccepted() {
        try (NDManager m = manager.newSubManager()) {
            NDArray masks = m.randomUniform(0, 1, new Shape(2, 1, 6, 6));
            NDArray boxes = m.create(new float[] {1, 2, 9, 7, 3, 3, 14, 15}, new Shape(2, 4));
            NDArray out = MaskPaste.paste(m, masks, boxes, 16, 18);
            assertEquals(new Shape(2, 16, 18), out.getShape());
            float[] second = MaskPaste.paste(masks.get(1).toFloatArray(), 6, new float[] {3, 3, 14, 15}, 16, 18);
            Golden.assertClose(m.create(second, new Shape(16, 18)), out.get(1), 0, 0, "second mask");
        }
    }

    @Test
    void badInputIsRejected() {
        try (NDManager m = manager.newSubManager()) {
            assertThrows(IllegalArgumentException.class,
                    () -> MaskPaste.paste(m, m.zeros(new Shape(2, 6, 6)), m.zeros(new Shape(3, 4)), 8, 8));
            assertThrows(IllegalArgumentException.class,
                    () -> MaskPaste.paste(m, m.zeros(new Shape(2, 6, 5)), m.zeros(new Shape(2, 4)), 8, 8));
            assertThrows(IllegalArgumentException.class,
                    () -> MaskPaste.paste(new float[36], 6, new float[] {0, 0, 1, 1}, 0, 8));
        }
    }

    private static void assertProfile(float[] out, int height, int width, int x0, int y0) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double expected = 0.6 * at(x - x0) * at(y - y0);
                assertEquals(expected, out[y * width + x], 1e-6, "pixel x " + x + ", y " + y);
            }
        }
    }

    private static double at(int j) {
        return j < 0 || j >= SHARE.length ? 0 : SHARE[j];
    }

    private static double[] share() {
        double[] s = new double[21];
        Arrays.fill(s, 3, 18, 1.0);
        s[1] = 3.0 / 14;
        s[2] = 29.0 / 42;
        s[18] = 29.0 / 42;
        s[19] = 3.0 / 14;
        return s;
    }
}
