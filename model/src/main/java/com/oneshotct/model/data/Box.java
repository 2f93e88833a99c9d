package com.oneshotct.model.data;

/**
 * Axis-aligned pixel box in the torchvision convention: (x1, y1) inclusive, (x2, y2) exclusive,
 * i.e. (min x, min y, max x + 1, max y + 1) of the pixels it covers.
 */
public record Box(int x1, int y1, int x2, int y2) {
    public Box {
        if (x2 <= x1 || y2 <= y1) {
            throw new IllegalArgumentException("empty box " + x1 + "," + y1 + "," + x2 + "," + y2);
        }
    }

    public int width() {
        return x2 - x1;
    }

    public int height() {
        return y2 - y1;
    }

    public int[] toArray() {
        return new int[] {x1, y1, x2, y2};
    }
}
