package com.oneshotct.model.data;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a segmentation mask into instances: every 8-connected component of each mask value 1..3 whose area is
 * above {@link #MIN_AREA} pixels is one instance, labelled with the mask value (model-spec section 8).
 *
 * <p>Order: by label, then by the raster position (row-major, top-left first) of the component's first pixel, so
 * the same mask always gives the same list.
 *
 * <p>The flood fill uses an explicit queue: a lung can fill most of a 512x512 slice and recursion that deep would
 * overflow the stack.
 */
public final class Components {
    /** Components of this many pixels or fewer are dropped; the reference keeps area strictly greater. */
    public static final int MIN_AREA = 100;

    private Components() {}

    /** The instances of a mask (values 0..3, else IllegalArgumentException), without their pixels. */
    public static List<Instance> instances(GreyImage mask) {
        List<Instance> out = new ArrayList<>();
        for (Found f : label(mask, false)) {
            out.add(f.instance());
        }
        return out;
    }

    /** The instances of a mask, each with its own binary mask. */
    public static List<InstanceMask> masks(GreyImage mask) {
        List<InstanceMask> out = new ArrayList<>();
        for (Found f : label(mask, true)) {
            out.add(new InstanceMask(f.instance(), mask.width(), mask.height(), f.bits()));
        }
        return out;
    }

    private record Found(Instance instance, BitSet bits) {}

    private static List<Found> label(GreyImage mask, boolean keepPixels) {
        int w = mask.width();
        int h = mask.height();
        byte[] v = mask.pixels();
        // seen[p] marks pixels already given to a component (or queued for one).
        boolean[] seen = new boolean[w * h];
        int[] queue = new int[w * h];
        List<Found> found = new ArrayList<>();
        for (int start = 0; start < v.length; start++) {
            byte value = v[start];
            if (value == 0 || seen[start]) {
                continue;
            }
            MaskLabel.of(value & 0xff);
            // Breadth-first fill; queue[0..tail) holds exactly the component's pixels when it ends.
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            int minX = w;
            int minY = h;
            int maxX = -1;
            int maxY = -1;
            while (head < tail) {
                int p = queue[head++];
                int y = p / w;
                int x = p - y * w;
                if (x < minX) {
                    minX = x;
                }
                if (x > maxX) {
                    maxX = x;
                }
                if (y < minY) {
                    minY = y;
                }
                if (y > maxY) {
                    maxY = y;
                }
                int x0 = x > 0 ? x - 1 : x;
                int x1 = x < w - 1 ? x + 1 : x;
                int y0 = y > 0 ? y - 1 : y;
                int y1 = y < h - 1 ? y + 1 : y;
                for (int ny = y0; ny <= y1; ny++) {
                    int row = ny * w;
                    for (int nx = x0; nx <= x1; nx++) {
                        int q = row + nx;
                        if (!seen[q] && v[q] == value) {
                            seen[q] = true;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            int area = tail;
            if (area <= MIN_AREA) {
                continue;
            }
            Instance inst = new Instance(value & 0xff, new Box(minX, minY, maxX + 1, maxY + 1), area);
            BitSet bits = null;
            if (keepPixels) {
                bits = new BitSet(w * h);
                for (int i = 0; i < tail; i++) {
                    bits.set(queue[i]);
                }
            }
            found.add(new Found(inst, bits));
        }
        // Raster order of first pixels is the scan order; a stable sort by label keeps it within each label.
        found.sort(Comparator.comparingInt(f -> f.instance().label()));
        return found;
    }
}
