package com.oneshotct.model.data;

import java.util.List;

/**
 * A segmentation item with its pixels: what the trainer feeds the network.
 *
 * @param item where it came from
 * @param image the slice, 8-bit grey
 * @param instances one binary mask per instance, in {@link Components} order (same order as {@code item.instances()})
 */
public record SegmentationSample(SegmentationItem item, GreyImage image, List<InstanceMask> instances) {
    public SegmentationSample {
        instances = List.copyOf(instances);
    }

    /**
     * This sample at another size, for a model configured for it: the image resized bilinearly (as
     * {@link Preprocess} does), each instance mask by nearest neighbour (pixel centres mapped back), boxes and
     * areas recomputed from the resized masks; an instance that vanishes is dropped. The same size returns this.
     */
    public SegmentationSample resized(int width, int height) {
        if (width == image.width() && height == image.height()) {
            return this;
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize to " + width + "x" + height);
        }
        int w = image.width();
        int h = image.height();
        float[] grey = new float[w * h];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = image.pixels()[i] & 0xff;
        }
        float[] r = Preprocess.resizeBilinear(grey, h, w, height, width);
        byte[] px = new byte[r.length];
        for (int i = 0; i < r.length; i++) {
            px[i] = (byte) Math.max(0, Math.min(255, Math.round(r[i])));
        }
        int[] sx = new int[width];
        for (int x = 0; x < width; x++) {
            sx[x] = Math.min(w - 1, (int) Math.floor((x + 0.5) * w / width));
        }
        List<InstanceMask> out = new java.util.ArrayList<>();
        for (InstanceMask m : instances) {
            java.util.BitSet bits = new java.util.BitSet(width * height);
            int x1 = width;
            int y1 = height;
            int x2 = -1;
            int y2 = -1;
            for (int y = 0; y < height; y++) {
                int syy = Math.min(h - 1, (int) Math.floor((y + 0.5) * h / height));
                for (int x = 0; x < width; x++) {
                    if (m.contains(sx[x], syy)) {
                        bits.set(y * width + x);
                        x1 = Math.min(x1, x);
                        y1 = Math.min(y1, y);
                        x2 = Math.max(x2, x);
                        y2 = Math.max(y2, y);
                    }
                }
            }
            if (x2 >= 0) {
                Instance inst = new Instance(m.instance().label(), new Box(x1, y1, x2 + 1, y2 + 1), bits.cardinality());
                out.add(new InstanceMask(inst, width, height, bits));
            }
        }
        return new SegmentationSample(item, new GreyImage(width, height, px), out);
    }
}
