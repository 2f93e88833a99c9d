package com.oneshotct.model.data;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Pixel-set helpers of the synthetic generator on a square size x size grid, row-major indices. */
final class Grid {
    private Grid() {
    }

    /** A growable int array. */
    static final class IntBuf {
        private int[] data = new int[64];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        int get(int i) {
            return data[i];
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /** A boolean mask of the given pixels. */
    static boolean[] mask(int size, int[] pixels) {
        boolean[] m = new boolean[size * size];
        for (int p : pixels) {
            m[p] = true;
        }
        return m;
    }

    /**
     * Erosion by a (2r+1) x (2r+1) square (Chebyshev radius r), the outside of the image counting as false:
     * a pixel survives when every pixel within r steps (diagonals included) is set.
     */
    static boolean[] erode(boolean[] m, int size, int r) {
        boolean[] h = new boolean[m.length];
        for (int y = 0; y < size; y++) {
            int run = 0; // set pixels ending at x, consecutive
            for (int x = 0; x < size; x++) {
                run = m[y * size + x] ? run + 1 : 0;
                // the window [x - 2r, x] is all set; its centre x - r gets the result
                if (x - r >= 0 && run >= 2 * r + 1) {
                    h[y * size + x - r] = true;
                }
            }
        }
        boolean[] out = new boolean[m.length];
        for (int x = 0; x < size; x++) {
            int run = 0;
            for (int y = 0; y < size; y++) {
                run = h[y * size + x] ? run + 1 : 0;
                if (y - r >= 0 && run >= 2 * r + 1) {
                    out[(y - r) * size + x] = true;
                }
            }
        }
        return out;
    }

    /**
     * Whether the pixels whose owner is {@code id} form one 8-connected set. {@code pixels} lists exactly those
     * pixels; {@code mark} is scratch space of the image's length whose entries are left below {@code stamp}.
     */
    static boolean connected8(int[] pixels, int id, int[] owner, int size, int[] mark, int stamp) {
        if (pixels.length == 0) {
            return false;
        }
        int[] stack = new int[pixels.length];
        int top = 0;
        stack[top++] = pixels[0];
        mark[pixels[0]] = stamp;
        int seen = 1;
        while (top > 0) {
            int p = stack[--top];
            int px = p % size;
            int py = p / size;
            for (int dy = -1; dy <= 1; dy++) {
                int y = py + dy;
                if (y < 0 || y >= size) {
                    continue;
                }
                for (int dx = -1; dx <= 1; dx++) {
                    int x = px + dx;
                    if (x < 0 || x >= size) {
                        continue;
                    }
                    int q = y * size + x;
                    if (owner[q] == id && mark[q] != stamp) {
                        mark[q] = stamp;
                        stack[top++] = q;
                        seen++;
                    }
                }
            }
        }
        return seen == pixels.length;
    }

    /** The pixels of {@code pixels} that {@code keep} accepts. */
    static int[] filter(int[] pixels, IntPredicate keep) {
        IntBuf out = new IntBuf();
        for (int p : pixels) {
            if (keep.test(p)) {
                out.add(p);
            }
        }
        return out.toArray();
    }

    /** The extent and pixel count of a non-empty pixel set, as a detection instance. */
    static Instance instance(int label, int[] pixels, int size) {
        int x1 = Integer.MAX_VALUE;
        int y1 = Integer.MAX_VALUE;
        int x2 = Integer.MIN_VALUE;
        int y2 = Integer.MIN_VALUE;
        for (int p : pixels) {
            int x = p % size;
            int y = p / size;
            x1 = Math.min(x1, x);
            y1 = Math.min(y1, y);
            x2 = Math.max(x2, x);
            y2 = Math.max(y2, y);
        }
        return new Instance(label, new Box(x1, y1, x2 + 1, y2 + 1), pixels.length);
    }
}
