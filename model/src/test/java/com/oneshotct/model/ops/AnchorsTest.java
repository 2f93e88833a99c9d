package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

class AnchorsTest {
    @Test
    void goldenAnchorsExactly() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray expected = Golden.load(manager, "anchors.npz").get("anchors");
            NDArray got = new Anchors().generate(manager, 512, 512, 16, 16);
            assertEquals(new Shape(7680, 4), got.getShape());
            assertEquals(DataType.FLOAT32, got.getDataType());
            assertArrayEquals(expected.toFloatArray(), got.toFloatArray());
        }
    }

    @Test
    void baseAnchorsByHand() {
        float[] base = new Anchors().base();
        assertEquals(30 * 4, base.length);
        // ratio 0.1, size 2: h = sqrt(0.1) = 0.3162, w = 3.1623; w*s/2 = 3.162 -> 3, h*s/2 = 0.316 -> 0
        // (-0.316 rounds to -0, as torch.round gives; the grid's +0 shift makes it +0 in the anchors).
        assertArrayEquals(new float[] {-3, -0f, 3, 0}, row(base, 0));
        // ratio 0.25, size 2: h = 0.5, w = 2; w*s/2 = 2, h*s/2 = 0.5 -> 0 (half to even, torch.round), not 1.
        assertArrayEquals(new float[] {-2, -0f, 2, 0}, row(base, 5));
        // ratio 0.25, size 8: h*s/2 = 2, w*s/2 = 8. Ratio-major: index 1 * 5 + 2 = 7.
        assertArrayEquals(new float[] {-8, -2, 8, 2}, row(base, 7));
        // ratio 1, size 32: a 32x32 square centred on the origin, index 3 * 5 + 4 = 19.
        assertArrayEquals(new float[] {-16, -16, 16, 16}, row(base, 19));
        // ratio 2, size 4: h = 1.4142, w = 0.7071; w*s/2 = 1.414 -> 1, h*s/2 = 2.828 -> 3; index 5 * 5 + 1 = 26.
        assertArrayEquals(new float[] {-1, -3, 1, 3}, row(base, 26));
    }

    @Test
    void gridShiftsByStrideWithoutHalfOffset() {
        Anchors a = new Anchors(new float[] {4}, new float[] {1});
        // One anchor (-2,-2,2,2) per location on a 2x3 map with stride 10 (y) x 20 (x), (H, W, A) order.
        float[] g = a.grid(2, 3, 10, 20);
        assertArrayEquals(new float[] {
            -2, -2, 2, 2, 18, -2, 22, 2, 38, -2, 42, 2,
            -2, 8, 2, 12, 18, 8, 22, 12, 38, 8, 42, 12}, g);
    }

    @Test
    void strideIsImageOverGridIntegerDivision() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Anchors a = new Anchors(new float[] {2}, new float[] {1});
            // 100 // 3 = 33 pixels per cell: the last location of a 3x3 map is shifted by (66, 66).
            NDArray got = a.generate(manager, 100, 100, 3, 3);
            assertArrayEquals(new float[] {65, 65, 67, 67}, got.get(8).toFloatArray());
        }
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new Anchors(new float[] {2}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Anchors(new float[0], new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new Anchors().grid(0, 4, 32, 32));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThrows(IllegalArgumentException.class, () -> new Anchors().generate(manager, 8, 8, 16, 16));
        }
    }

    private static float[] row(float[] a, int i) {
        return new float[] {a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]};
    }
}
