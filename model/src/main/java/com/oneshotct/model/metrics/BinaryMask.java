package com.oneshotct.model.metrics;

import com.oneshotct.model.data.Box;
import java.util.Arrays;

/**
 * An immutable binary mask of {@code height x width} pixels, stored as a row-major bit set (pixel (y, x) is bit
 * {@code y * width + x}), so that area and intersection are word-wise popcounts: a 512x512 mask is 4,096 longs.
 */
public final class BinaryMask {
    /** Tells whether pixel (y, x) is set; used to build masks. */
    @FunctionalInterface
    public interface PixelTest {
        boolean test(int y, int x);
    }

    private final int height;
    private final int width;
    private final long[] bits;
    private final long area;

    BinaryMask(int height, int width, long[] bits) {
        checkSize(height, width);
        if (bits.length != words(height, width)) {
            throw new IllegalArgumentException("mask of " + height + "x" + width + " needs "
                    + words(height, width) + " words, got " + bits.length);
        }
        this.height = height;
        this.width = width;
        this.bits = bits;
        long a = 0;
        for (long w : bits) {
            a += Long.bitCount(w);
        }
        this.area = a;
    }

    /** A mask from {@code height * width} row-major booleans. */
    public static BinaryMask of(int height, int width, boolean[] rowMajor) {
        checkSize(height, width);
        if (rowMajor.length != (long) height * width) {
            throw new IllegalArgumentException("mask of " + height + "x" + width + " needs "
                    + (long) height * width + " pixels, got " + rowMajor.length);
        }
        long[] bits = new long[words(height, width)];
        for (int i = 0; i < rowMajor.length; i++) {
            if (rowMajor[i]) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return new BinaryMask(height, width, bits);
    }

    /** A mask whose pixel (y, x) is set where {@code test} says so. */
    public static BinaryMask of(int height, int width, PixelTest test) {
        checkSize(height, width);
        long[] bits = new long[words(height, width)];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (test.test(y, x)) {
                    int i = y * width + x;
                    bits[i >>> 6] |= 1L << i;
                }
            }
        }
        return new BinaryMask(height, width, bits);
    }

    /**
     * Binarises a row-major probability map the way the paper does: a pixel is set where its probability is
     * strictly greater than 0.5.
     */
    public static BinaryMask threshold(int height, int width, float[] probabilities) {
        if (probabilities.length != (long) height * width) {
            throw new IllegalArgumentException("probability map of " + height + "x" + width + " needs "
                    + (long) height * width + " values, got " + probabilities.length);
        }
        return of(height, width, (y, x) -> probabilities[y * width + x] > 0.5f);
    }

    /** A mask that covers exactly {@code box} (x2, y2 exclusive); the box must lie inside the mask. */
    public static BinaryMask of(int height, int width, Box box) {
        if (box.x2() > width || box.y2() > height || box.x1() < 0 || box.y1() < 0) {
            throw new IllegalArgumentException("box " + box + " lies outside a " + height + "x" + width + " mask");
        }
        return of(height, width, (y, x) -> x >= box.x1() && x < box.x2() && y >= box.y1() && y < box.y2());
    }

    /** An all-zero mask. */
    public static BinaryMask empty(int height, int width) {
        checkSize(height, width);
        return new BinaryMask(height, width, new long[words(height, width)]);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public boolean get(int y, int x) {
        if (y < 0 || y >= height || x < 0 || x >= width) {
            throw new IndexOutOfBoundsException("pixel (" + y + ", " + x + ") outside " + height + "x" + width);
        }
        int i = y * width + x;
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    /** Number of set pixels. */
    public long area() {
        return area;
    }

    /** Number of pixels set in both masks; the masks must have the same size. */
    public long intersection(BinaryMask other) {
        requireSameSize(other);
        long n = 0;
        for (int i = 0; i < bits.length; i++) {
            n += Long.bitCount(bits[i] & other.bits[i]);
        }
        return n;
    }

    /** Intersection over union; 0 when both masks are empty (nothing to overlap). */
    public double iou(BinaryMask other) {
        long inter = intersection(other);
        long union = area + other.area - inter;
        return union == 0 ? 0.0 : (double) inter / (double) union;
    }

    /** The pixels as row-major booleans. */
    public boolean[] toRowMajor() {
        boolean[] out = new boolean[height * width];
        for (int i = 0; i < out.length; i++) {
            out[i] = (bits[i >>> 6] & (1L << i)) != 0;
        }
        return out;
    }

    public void requireSameSize(BinaryMask other) {
        if (other.height != height || other.width != width) {
            throw new IllegalArgumentException("mask sizes differ: " + height + "x" + width + " vs "
                    + other.height + "x" + other.width);
        }
    }

    static int words(int height, int width) {
        return (int) (((long) height * width + 63) >>> 6);
    }

    static void checkSize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + height + "x" + width);
        }
        if ((long) height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mask of " + height + "x" + width + " is too large");
        }
    }

    long[] bits() {
        return bits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryMask m && m.height == height && m.width == width && Arrays.equals(m.bits, bits);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "BinaryMask[" + height + "x" + width + ", area " + area + "]";
    }
}
