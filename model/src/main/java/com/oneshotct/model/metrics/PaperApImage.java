package com.oneshotct.model.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The predictions and ground truth of one image, for the paper's per-image AP.
 *
 * @param name the image's name or id, for reports
 * @param predictions its predicted instances, in any order (they are sorted by score)
 * @param truths its ground-truth instances, in the order the matching visits them
 */
public record PaperApImage(String name, List<MaskPrediction> predictions, List<MaskTruth> truths) {
    public PaperApImage {
        Objects.requireNonNull(name, "name");
        predictions = List.copyOf(predictions);
        truths = List.copyOf(truths);
    }

    /**
     * The images of a COCO ground truth with their detections, in image-id order, for the paper's AP: labels are
     * category ids, masks the (already binary) RLE masks. Crowd regions are not instances, so they are left out.
     */
    public static List<PaperApImage> fromCoco(CocoGroundTruth gt, List<CocoDetection> detections) {
        Map<Long, List<MaskTruth>> truths = new HashMap<>();
        Map<Long, List<MaskPrediction>> preds = new HashMap<>();
        for (CocoImage im : gt.images()) {
            truths.put(im.id(), new ArrayList<>());
            preds.put(im.id(), new ArrayList<>());
        }
        for (CocoAnnotation a : gt.annotations()) {
            if (!a.crowd()) {
                truths.get(a.imageId()).add(new MaskTruth(a.categoryId(), a.mask()));
            }
        }
        for (CocoDetection d : detections) {
            List<MaskPrediction> list = preds.get(d.imageId());
            if (list == null) {
                throw new IllegalArgumentException("detection on image " + d.imageId()
                        + ", which is not in the ground truth");
            }
            list.add(new MaskPrediction(d.categoryId(), d.score(), d.mask()));
        }
        List<CocoImage> images = new ArrayList<>(gt.images());
        images.sort(Comparator.comparingLong(CocoImage::id));
        List<PaperApImage> out = new ArrayList<>();
        for (CocoImage im : images) {
            out.add(new PaperApImage(String.valueOf(im.id()), preds.get(im.id()), truths.get(im.id())));
        }
        return out;
    }
}
