package com.oneshotct.model.metrics;

/** An image entry of a COCO instances file. */
public record CocoImage(long id, int width, int height) {
    public CocoImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image " + id + " has size " + width + "x" + height);
        }
    }
}
