package com.oneshotct.model.data;

/**
 * An 8-bit single-channel raster: a CT slice in grey levels 0..255, or a segmentation mask of values 0..3.
 * Pixels are row-major ({@code pixels[y * width + x]}), read as unsigned.
 *
 * <p>The array is shared, not copied: a 512x512 slice is read many times per epoch and copying it each time would
 * only cost; callers must not modify it.
 */
public record GreyImage(int width, int height, byte[] pixels) {
    public GreyImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "pixel array has " + pixels.length + " values, " + width + "x" + height + " needs " + width * height);
        }
    }

    /** The unsigned value at column x, row y. */
    public int get(int x, int y) {
        return pixels[y * width + x] & 0xff;
    }

    /** "WxH", as error messages give sizes. */
    public String size() {
        return width + "x" + height;
    }
}
