package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.data.Components;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.InstanceMask;
import com.oneshotct.model.testing.Golden;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MaskTargetsTest {
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
            NDList g = Golden.load(m, "mask_targets.npz");
            NDArray targets = MaskTargets.build(m, g.get("gt_masks"), new int[] {0, 1, 2}, g.get("boxes"), 28);
            Golden.assertClose(g.get("targets"), targets, 1e-4, 1e-6, "mask targets");
        }
    }

    /**
     * All-ones 4x4 mask, box x 0..8, y 0..4, 2x2 target. Adaptive grid: ceil(8/2) = 4 along x, ceil(4/2) = 2 along
     * y. Left bins sample x = 0.5 .. 3.5 (inside, or clamped to column 3): 1. Right bins sample x = 4.5 .. 7.5,
     * beyond x > 4: torchvision counts them as 0.
     */
    @Test
    void samplesBeyondTheMaskCountAsZero() {
        float[] ones = new float[16];
        Arrays.fill(ones, 1f);
        float[] t = MaskTargets.project(ones, 4, 4, new float[] {0, 0, 8, 4}, 2);
        assertArrayEquals(new float[] {1, 0, 1, 0}, t, 1e-6f);
    }

    /**
     * Two 12x12 squares (labels 1 and 2) in a 32x32 slice: a box well inside a square samples only its pixels, so
     * its target is all ones against its own mask and all zeros against the other's.
     */
    @Test
    void eachProposalUsesItsMatchedInstance() {
        byte[] pixels = new byte[32 * 32];
        square(pixels, 32, 4, 4, 12, (byte) 1);
        square(pixels, 32, 18, 18, 12, (byte) 2);
        List<InstanceMask> gt = Components.masks(new GreyImage(32, 32, pixels));
        assertEquals(2, gt.size());
        try (NDManager m = manager.newSubManager()) {
            NDArray boxes = m.create(new float[] {6, 6, 12, 12, 20, 21, 27, 26, 6, 6, 12, 12}, new Shape(3, 4));
            MaskTargets.Planes planes = new MaskTargets.Planes(gt.size(), 32, 32, i -> gt.get(i).toFloats());
            float[] t = MaskTargets.build(m, planes, new int[] {0, 1, 1}, boxes, 28).toFloatArray();
            int plane = 28 * 28;
            for (int i = 0; i < plane; i++) {
                assertEquals(1f, t[i], 1e-6f, "proposal 0 on its own square");
                assertEquals(1f, t[plane + i], 1e-6f, "proposal 1 on its own square");
                assertEquals(0f, t[2 * plane + i], 0f, "proposal 2 on the other square");
            }
        }
    }

    @Test
    void badInputIsRejected() {
        try (NDManager m = manager.newSubManager()) {
            NDArray gt = m.zeros(new Shape(2, 8, 8));
            IllegalArgumentException matched = assertThrows(IllegalArgumentException.class,
                    () -> MaskTargets.build(m, gt, new int[] {2}, m.zeros(new Shape(1, 4)), 28));
            assertTrue(matched.getMessage().contains("matched to ground truth 2"), matched.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> MaskTargets.build(m, gt, new int[] {0, 1}, m.zeros(new Shape(1, 4)), 28));
            assertThrows(IllegalArgumentException.class,
                    () -> MaskTargets.project(new float[10], 4, 4, new float[] {0, 0, 1, 1}, 28));
        }
    }

    private static void square(byte[] pixels, int width, int x, int y, int side, byte value) {
        for (int r = y; r < y + side; r++) {
            Arrays.fill(pixels, r * width + x, r * width + x + side, value);
        }
    }
}
