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
}
