package com.oneshotct.model.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A COCO instances file: its images, the category ids evaluated, and the ground-truth instances.
 *
 * @param categoryIds the ids of the file's {@code categories} list or, when the file has none, the category ids its
 *     annotations use (pycocotools would evaluate no category at all then); sorted, distinct
 */
public record CocoGroundTruth(List<CocoImage> images, List<Integer> categoryIds, List<CocoAnnotation> annotations) {
    public CocoGroundTruth {
        images = List.copyOf(images);
        categoryIds = List.copyOf(new TreeSet<>(categoryIds));
        annotations = List.copyOf(annotations);
        Map<Long, CocoImage> byId = new HashMap<>();
        for (CocoImage im : images) {
            if (byId.put(im.id(), im) != null) {
                throw new IllegalArgumentException("image id " + im.id() + " appears twice");
            }
        }
        for (CocoAnnotation a : annotations) {
            CocoImage im = byId.get(a.imageId());
            if (im == null) {
                throw new IllegalArgumentException("annotation " + a.id() + " refers to unknown image "
                        + a.imageId());
            }
            if (a.mask().height() != im.height() || a.mask().width() != im.width()) {
                throw new IllegalArgumentException("annotation " + a.id() + " has a " + a.mask().height() + "x"
                        + a.mask().width() + " mask on image " + im.id() + " of " + im.height() + "x"
                        + im.width());
            }
        }
    }

    /** The ground truth with the category ids taken from its annotations. */
    public static CocoGroundTruth of(List<CocoImage> images, List<CocoAnnotation> annotations) {
        List<Integer> cats = new ArrayList<>();
        for (CocoAnnotation a : annotations) {
            cats.add(a.categoryId());
        }
        return new CocoGroundTruth(images, cats, annotations);
    }
}
