package com.oneshotct.model.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The COCO summary's mask AP numbers (area "all", maxDets 100); -1 where no category has ground truth, as in
 * pycocotools.
 *
 * @param ap AP averaged over IoU 0.50:0.05:0.95
 * @param ap50 AP at IoU 0.50
 * @param ap75 AP at IoU 0.75
 * @param perCategory AP of each evaluated category id (averaged over the ten thresholds), -1 for a category without
 *     non-crowd ground truth; in ascending category order
 */
public record CocoApResult(double ap, double ap50, double ap75, Map<Integer, Double> perCategory) {
    public CocoApResult {
        perCategory = Collections.unmodifiableMap(new LinkedHashMap<>(perCategory));
    }
}
