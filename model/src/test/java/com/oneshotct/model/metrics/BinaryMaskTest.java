package com.oneshotct.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.Box;
import org.junit.jupiter.api.Test;

class BinaryMaskTest {
    @Test
    void areaIntersectionAndIou() {
        // 3x4 image: a = columns 0..2 of rows 0..1 (6 px), b = columns 2..3 of rows 1..2 (4 px)
        BinaryMask a = BinaryMask.of(3, 4, new Box(0, 0, 3, 2));
        BinaryMask b = BinaryMask.of(3, 4, new Box(2, 1, 4, 3));
        assertEquals(6, a.area());
        assertEquals(4, b.area());
        // overlap: pixel (y=1, x=2) only
        assertEquals(1, a.intersection(b));
        assertEquals(1.0 / (6 + 4 - 1), a.iou(b), 1e-15);
        assertTrue(a.get(1, 2));
        assertFalse(a.get(2, 0));
    }

    @Test
    void masksAcrossWordBoundaries() {
        // 9x9 = 81 px spans two longs; a full mask has area 81 and IoU 1 with itself
        BinaryMask full = BinaryMask.of(9, 9, (y, x) -> true);
        assertEquals(81, full.area());
        assertEquals(1.0, full.iou(full));
        BinaryMask last = BinaryMask.of(9, 9, (y, x) -> y == 8 && x == 8);
        assertEquals(1, last.area());
        assertEquals(1, last.intersection(full));
    }

    @Test
    void rowMajorRoundTrip() {
        boolean[] px = {true, false, false, true, true, false};
        BinaryMask m = BinaryMask.of(2, 3, px);
        assertArrayEquals(px, m.toRowMajor());
        assertTrue(m.get(1, 0));
        assertEquals(m, BinaryMask.of(2, 3, (y, x) -> px[y * 3 + x]));
    }

    @Test
    void thresholdIsStrictlyAboveHalf() {
        BinaryMask m = BinaryMask.threshold(1, 3, new float[] {0.5f, 0.50001f, 1f});
        assertFalse(m.get(0, 0));
        assertTrue(m.get(0, 1));
        assertTrue(m.get(0, 2));
    }

    @Test
    void emptyMasksHaveIouZero() {
        BinaryMask e = BinaryMask.empty(2, 2);
        assertEquals(0, e.area());
        assertEquals(0.0, e.iou(e));
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BinaryMask.empty(0, 3));
        assertThrows(IllegalArgumentException.class, () -> BinaryMask.of(2, 2, new boolean[3]));
        assertThrows(IllegalArgumentException.class,
                () -> BinaryMask.empty(2, 2).intersection(BinaryMask.empty(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> BinaryMask.of(2, 2, new Box(0, 0, 3, 1)));
        assertThrows(IndexOutOfBoundsException.class, () -> BinaryMask.empty(2, 2).get(2, 0));
    }
}
