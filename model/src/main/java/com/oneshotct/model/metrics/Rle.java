package com.oneshotct.model.metrics;

import java.util.Arrays;

/**
 * COCO run-length encoding of a binary mask, as in the COCO results format: {@code {"size":[h,w],"counts":[...]}}.
 * The pixels are read in column-major (Fortran) order and the counts alternate runs of 0s and 1s, starting with
 * the 0s (so a mask whose first pixel is set starts with a count of 0). The counts sum to {@code h * w}.
 *
 * <p>Real COCO files usually carry the counts in the compressed string form of pycocotools' {@code maskApi.c}
 * ({@code rleToString}/{@code rleFrString}): each count, from the fourth on as the difference to the count two
 * before it, is written as a little-endian sequence of 5-bit groups, one ASCII character (48 + value) per group,
 * bit 0x20 meaning "more groups follow" and bit 0x10 of the last group its sign.
 */
public final class Rle {
    private final int height;
    private final int width;
    private final int[] counts;

    /**
     * @throws IllegalArgumentException if the size is not positive, a count is negative, or the counts do not sum
     *     to {@code height * width}
     */
    public Rle(int height, int width, int[] counts) {
        BinaryMask.checkSize(height, width);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("RLE count " + i + " is negative: " + counts[i]);
            }
            sum += counts[i];
        }
        if (sum != (long) height * width) {
            throw new IllegalArgumentException("RLE counts sum to " + sum + ", expected h*w = " + height + "*"
                    + width + " = " + (long) height * width);
        }
        this.height = height;
        this.width = width;
        this.counts = counts.clone();
    }

    /** Encodes a mask exactly as pycocotools' {@code rleEncode}: the last run is always written, never a trailing 0. */
    public static Rle encode(BinaryMask mask) {
        int h = mask.height();
        int w = mask.width();
        long[] bits = mask.bits();
        int[] buf = new int[h * w + 1];
        int k = 0;
        boolean prev = false;
        int run = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                int i = y * w + x;
                boolean v = (bits[i >>> 6] & (1L << i)) != 0;
                if (v != prev) {
                    buf[k++] = run;
                    run = 0;
                    prev = v;
                }
                run++;
            }
        }
        buf[k++] = run;
        return new Rle(h, w, Arrays.copyOf(buf, k));
    }

    /** The mask these runs describe. */
    public BinaryMask decode() {
        long[] bits = new long[BinaryMask.words(height, width)];
        long pos = 0;
        boolean value = false;
        for (int c : counts) {
            if (value) {
                for (long j = pos; j < pos + c; j++) {
                    int y = (int) (j % height);
                    int x = (int) (j / height);
                    int i = y * width + x;
                    bits[i >>> 6] |= 1L << i;
                }
            }
            pos += c;
            value = !value;
        }
        return new BinaryMask(height, width, bits);
    }

    /**
     * Parses the compressed string form of the counts ({@code rleFrString}).
     *
     * @throws IllegalArgumentException on a character outside '0'..'o', a string that ends inside a count, a
     *     count that comes out negative or too large, or counts that do not sum to {@code height * width}
     */
    public static Rle fromString(int height, int width, String s) {
        int[] cnts = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("RLE string ends inside a count (at character " + p + ")");
                }
                char ch = s.charAt(p);
                if (ch < 48 || ch > 111) {
                    throw new IllegalArgumentException("RLE string has character '" + ch + "' at " + p
                            + ", outside '0'..'o'");
                }
                if (k > 6) {
                    throw new IllegalArgumentException("RLE string has a count longer than 7 characters at " + p);
                }
                int c = ch - 48;
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += cnts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RLE string decodes to count " + m + " = " + x
                        + ", outside 0.." + Integer.MAX_VALUE);
            }
            cnts[m++] = (int) x;
        }
        return new Rle(height, width, Arrays.copyOf(cnts, m));
    }

    /** The compressed string form of the counts ({@code rleToString}). */
    public String toCompressedString() {
        StringBuilder sb = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** A copy of the run lengths. */
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[size=[" + height + "," + width + "], counts=" + Arrays.toString(counts) + "]";
    }
}
