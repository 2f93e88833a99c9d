package com.oneshotct.model.data;

import java.util.Comparator;
import java.util.List;

/**
 * What {@link SyntheticCt} generated: every segmentation slice with the instances it drew, and every classification
 * slice with its class, in generation order (train before test, by index).
 */
public record SynthResult(List<SegItem> segmentation, List<ClsItem> classification) {
    /** The order of {@link SegItem#instances}: label, then box (y1, x1, y2, x2), then area. */
    public static final Comparator<Instance> INSTANCE_ORDER = Comparator.comparingInt(Instance::label)
            .thenComparingInt(i -> i.box().y1())
            .thenComparingInt(i -> i.box().x1())
            .thenComparingInt(i -> i.box().y2())
            .thenComparingInt(i -> i.box().x2())
            .thenComparingInt(Instance::area);

    public SynthResult {
        segmentation = List.copyOf(segmentation);
        classification = List.copyOf(classification);
    }

    /**
     * One segmentation slice.
     *
     * @param split "train" or "test"
     * @param name the file stem, e.g. {@code p0001_0020}; image {@code imgs/<name>.png}, mask {@code masks/<name>.png}
     * @param appearance which class's lesions were drawn (Normal: lungs only)
     * @param instances the objects drawn (two lungs and the lesions), each computed from its own pixels, in
     *     {@link #INSTANCE_ORDER}
     */
    public record SegItem(String split, String name, ImageClass appearance, List<Instance> instances) {
        public SegItem {
            instances = List.copyOf(instances);
        }
    }

    /**
     * One classification slice.
     *
     * @param split "train" or "test"
     * @param fileName {@code <class>_<patient>_<scan>_<slice>.png}
     * @param label its class
     */
    public record ClsItem(String split, String fileName, ImageClass label) {
    }
}
