package com.oneshotct.model.data;

import java.nio.file.Path;
import java.util.List;

/**
 * One annotated slice of a segmentation split, as {@link SegmentationReader} found and checked it.
 *
 * @param split the split it belongs to (its sub-folder or its list's name)
 * @param name the file name without extension, shared by image and mask
 * @param image the slice
 * @param mask its mask (values 0..3)
 * @param width width of both, pixels
 * @param height height of both, pixels
 * @param instances the mask's instances, in {@link Components} order
 */
public record SegmentationItem(
        String split, String name, Path image, Path mask, int width, int height, List<Instance> instances) {
    public SegmentationItem {
        instances = List.copyOf(instances);
    }

    /** Reads the slice's pixels and the instances' masks, for training. */
    public SegmentationSample load() {
        GreyImage img = Slices.readSlice(image);
        GreyImage m = Slices.readMask(mask);
        SegmentationReader.checkSizes(image, img, mask, m);
        if (img.width() != width || img.height() != height) {
            throw new DataException(image, "now " + img.size() + ", was " + width + "x" + height
                    + " when the dataset was read; the file changed");
        }
        return new SegmentationSample(this, img, Components.masks(m));
    }
}
