package com.oneshotct.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RleTest {
    @Test
    void countsAreColumnMajorStartingWithZeros() {
        // h=2, w=3:  row 0: 0 1 1   row 1: 0 1 0
        // column-major: (0,0)=0 (1,0)=0 | (0,1)=1 (1,1)=1 | (0,2)=1 (1,2)=0 -> runs 2 zeros, 3 ones, 1 zero
        BinaryMask m = BinaryMask.of(2, 3, new boolean[] {false, true, true, false, true, false});
        Rle r = Rle.encode(m);
        assertArrayEquals(new int[] {2, 3, 1}, r.counts());
        assertEquals(m, r.decode());
        // a set first pixel gives a leading 0 count
        BinaryMask first = BinaryMask.of(2, 3, (y, x) -> y == 0 && x == 0);
        assertArrayEquals(new int[] {0, 1, 5}, Rle.encode(first).counts());
    }

    @Test
    void allZeroAndAllOne() {
        assertArrayEquals(new int[] {12}, Rle.encode(BinaryMask.empty(3, 4)).counts());
        assertArrayEquals(new int[] {0, 12}, Rle.encode(BinaryMask.of(3, 4, (y, x) -> true)).counts());
        assertEquals(BinaryMask.of(3, 4, (y, x) -> true), new Rle(3, 4, new int[] {0, 12}).decode());
        assertEquals(0, new Rle(3, 4, new int[] {12}).decode().area());
    }

    @Test
    void singlePixelAtEachCorner() {
        // 3x4: column-major index = x * h + y, h = 3
        assertCorner(0, 0, new int[] {0, 1, 11}); // index 0
        assertCorner(2, 0, new int[] {2, 1, 9}); // index 2
        assertCorner(0, 3, new int[] {9, 1, 2}); // index 9
        assertCorner(2, 3, new int[] {11, 1}); // index 11, the last pixel: no trailing zero run
    }

    private static void assertCorner(int y, int x, int[] counts) {
        BinaryMask m = BinaryMask.of(3, 4, (yy, xx) -> yy == y && xx == x);
        Rle r = Rle.encode(m);
        assertArrayEquals(counts, r.counts(), "pixel (" + y + "," + x + ")");
        assertEquals(m, r.decode());
        assertEquals(r, Rle.fromString(3, 4, r.toCompressedString()));
    }

    @Test
    void randomMasksRoundTrip() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            int h = 1 + rnd.nextInt(40);
            int w = 1 + rnd.nextInt(40);
            double p = rnd.nextDouble();
            BinaryMask m = BinaryMask.of(h, w, (y, x) -> rnd.nextDouble() < p);
            Rle r = Rle.encode(m);
            long sum = 0;
            for (int c : r.counts()) {
                sum += c;
            }
            assertEquals((long) h * w, sum);
            assertEquals(m, r.decode());
            String s = r.toCompressedString();
            assertEquals(r, Rle.fromString(h, w, s));
            assertEquals(m, Rle.fromString(h, w, s).decode());
        }
    }

    @Test
    void compressedStringsComputedByHand() {
        // counts 3, 2, 1: each < 16 in one group, char 48 + value -> "321"
        assertEquals("321", new Rle(2, 3, new int[] {3, 2, 1}).toCompressedString());
        // 5, 10, 2 are written as they are: '5', ':' (48+10), '2'; from the fourth count on the difference to the
        // count two before: 7 - 10 = -3 -> 5-bit group 29 (sign bit 0x10 set, no more) -> 'M' (48+29);
        // 1 - 2 = -1 -> group 31 -> 'O' (48+31)
        assertEquals("5:2MO", new Rle(5, 5, new int[] {5, 10, 2, 7, 1}).toCompressedString());
        // 100 = 3*32 + 4: group 4 with "more" (4|0x20 = 36 -> 'T'), then 3 -> '3'; then 1 -> '1'
        assertEquals("T31", new Rle(101, 1, new int[] {100, 1}).toCompressedString());
        // the same three strings come out of pycocotools 2.0.11 mask.encode for these masks
    }

    @Test
    void knownStringsDecode() {
        assertArrayEquals(new int[] {5, 10, 2, 7, 1}, Rle.fromString(5, 5, "5:2MO").counts());
        assertArrayEquals(new int[] {100, 1}, Rle.fromString(101, 1, "T31").counts());
        BinaryMask m = Rle.fromString(2, 3, "321").decode();
        // 3 zeros (column 0, then (0,1)), 2 ones ((1,1), (0,2)), 1 zero
        assertEquals(BinaryMask.of(2, 3, new boolean[] {false, false, true, false, true, false}), m);
    }

    @Test
    void badRunsAreRefused() {
        assertMessage(() -> new Rle(2, 3, new int[] {2, 3}), "sum to 5");
        assertMessage(() -> new Rle(2, 3, new int[] {7, -1}), "negative");
        assertMessage(() -> Rle.fromString(2, 3, "32 1"), "character ' '");
        assertMessage(() -> Rle.fromString(101, 1, "T"), "ends inside a count");
        assertMessage(() -> Rle.fromString(5, 5, "5:2M"), "sum to 24"); // 5 + 10 + 2 + 7
        assertMessage(() -> Rle.fromString(2, 2, "4O"), "outside 0.."); // -1 as the second count
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage() + " lacks " + part);
    }
}
