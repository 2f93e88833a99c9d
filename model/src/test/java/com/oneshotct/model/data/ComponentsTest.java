package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentsTest {

    private static GreyImage mask(int w, int h, int[]... rects) {
        return new GreyImage(w, h, Fixtures.paint(w, h, rects));
    }

    @Test
    void diagonalTouchIsOneComponent() {
        // Two 10x10 squares of GGO meeting only corner to corner at (9,9)-(10,10): 8-connected, so one instance of
        // 200 px spanning both, box (0,0)-(20,20).
        GreyImage m = mask(24, 24, new int[] {2, 0, 0, 10, 10}, new int[] {2, 10, 10, 20, 20});
        List<Instance> found = Components.instances(m);
        assertEquals(List.of(new Instance(2, new Box(0, 0, 20, 20), 200)), found);
    }

    @Test
    void squaresOnePixelApartAreTwo() {
        GreyImage m = mask(24, 24, new int[] {2, 0, 0, 11, 11}, new int[] {2, 12, 12, 23, 23});
        List<Instance> found = Components.instances(m);
        assertEquals(2, found.size());
        assertEquals(new Instance(2, new Box(0, 0, 11, 11), 121), found.get(0));
        assertEquals(new Instance(2, new Box(12, 12, 23, 23), 121), found.get(1));
    }

    @Test
    void areaExactly100IsDroppedAnd101Kept() {
        // A 10x10 square (100 px) and a 10x10 square plus one pixel below it (101 px), same label, far apart.
        GreyImage m = mask(40, 20, new int[] {3, 1, 1, 11, 11}, new int[] {3, 20, 1, 30, 11}, new int[] {3, 25, 11, 26, 12});
        List<Instance> found = Components.instances(m);
        assertEquals(List.of(new Instance(3, new Box(20, 1, 30, 12), 101)), found);
    }

    @Test
    void boxIsMinToMaxPlusOne() {
        // An L shape: column x=5, y=2..21 (20 px) and row y=21, x=5..94 (90 px, one shared) = 109 px.
        GreyImage m = mask(100, 30, new int[] {1, 5, 2, 6, 22}, new int[] {1, 5, 21, 95, 22});
        List<Instance> found = Components.instances(m);
        assertEquals(List.of(new Instance(1, new Box(5, 2, 95, 22), 109)), found);
    }

    @Test
    void differentValuesTouchingAreSeparateAndOrderedByLabelThenRaster() {
        // Consolidation (3) first in raster order, GGO (2) inside lung (1) region, a second lung lower down.
        GreyImage m = mask(60, 60,
                new int[] {3, 40, 0, 52, 10},   // 12x10 = 120, first pixel (40,0)
                new int[] {1, 0, 5, 20, 25},    // lung 20x20 = 400 minus the GGO hole below
                new int[] {2, 5, 10, 16, 20},   // GGO 11x10 = 110 inside the lung
                new int[] {1, 30, 40, 41, 50}); // second lung 11x10 = 110, first pixel (30,40)
        List<Instance> found = Components.instances(m);
        assertEquals(List.of(
                new Instance(1, new Box(0, 5, 20, 25), 400 - 110),
                new Instance(1, new Box(30, 40, 41, 50), 110),
                new Instance(2, new Box(5, 10, 16, 20), 110),
                new Instance(3, new Box(40, 0, 52, 10), 120)), found);
    }

    @Test
    void ringAroundAHoleIsOneComponent() {
        // A 30x30 square with a 26x26 hole: a ring 2 px wide of 900 - 676 = 224 px, one component.
        GreyImage ring = mask(30, 30, new int[] {2, 0, 0, 30, 30}, new int[] {0, 2, 2, 28, 28});
        assertEquals(List.of(new Instance(2, new Box(0, 0, 30, 30), 224)), Components.instances(ring));
    }

    @Test
    void instanceMasksHoldExactlyTheirPixels() {
        GreyImage m = mask(30, 20, new int[] {1, 0, 0, 11, 10}, new int[] {2, 15, 5, 26, 15});
        List<InstanceMask> masks = Components.masks(m);
        assertEquals(2, masks.size());
        InstanceMask lung = masks.get(0);
        assertEquals(1, lung.instance().label());
        assertEquals(110, lung.bits().cardinality());
        assertTrue(lung.contains(0, 0));
        assertTrue(lung.contains(10, 9));
        assertFalse(lung.contains(11, 9));
        assertFalse(lung.contains(15, 5));
        float[] f = masks.get(1).toFloats();
        assertEquals(30 * 20, f.length);
        assertEquals(1f, f[5 * 30 + 15]);
        assertEquals(0f, f[4 * 30 + 15]);
        double sum = 0;
        for (float v : f) {
            sum += v;
        }
        assertEquals(110, sum);
        assertEquals(Components.instances(m), masks.stream().map(InstanceMask::instance).toList());
    }

    @Test
    void wholeSliceBlobNeedsNoRecursion() {
        // A serpentine lung filling most of a 512x512 slice: one component whose fill would go ~130k calls deep
        // if it recursed. Rows alternate full/empty, joined at alternating ends.
        int n = 512;
        byte[] px = new byte[n * n];
        for (int y = 0; y < n; y += 2) {
            for (int x = 0; x < n; x++) {
                px[y * n + x] = 1;
            }
            if (y + 1 < n) {
                int x = (y / 2) % 2 == 0 ? n - 1 : 0;
                px[(y + 1) * n + x] = 1;
            }
        }
        GreyImage m = new GreyImage(n, n, px);
        long t0 = System.nanoTime();
        List<InstanceMask> found = Components.masks(m);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // 256 full rows (y even) of 512 px, plus one joining pixel in each of the 256 odd rows.
        assertEquals(1, found.size());
        assertEquals(256 * 512 + 256, found.get(0).instance().area());
        assertEquals(new Box(0, 0, 512, 512), found.get(0).instance().box());
        // Generous bound: this is a few ms on one core; it only guards against something quadratic.
        assertTrue(ms < 2000, "took " + ms + " ms");
    }

    @Test
    void emptyMaskHasNoInstances() {
        assertTrue(Components.instances(new GreyImage(8, 8, new byte[64])).isEmpty());
    }
}
