package com.oneshotct.model.metrics;

import java.util.List;

/**
 * The paper's segmentation AP of a split (model-spec section 9).
 *
 * @param apAtThresholds AP at t = 0.50, 0.55, ..., 0.95 (mean over images), in that order
 * @param images how many images were averaged
 * @param labels the labels that took part: the filter when one was given, else every label seen in the ground truth
 *     or the predictions, ascending
 * @param filtered whether {@code labels} was a filter given by the caller
 */
public record PaperApResult(List<Double> apAtThresholds, int images, List<Integer> labels, boolean filtered) {
    public PaperApResult {
        apAtThresholds = List.copyOf(apAtThresholds);
        labels = List.copyOf(labels);
        if (apAtThresholds.size() != PaperAp.THRESHOLDS) {
            throw new IllegalArgumentException("expected " + PaperAp.THRESHOLDS + " thresholds, got "
                    + apAtThresholds.size());
        }
    }

    /** AP at IoU > 0.5. */
    public double ap50() {
        return apAtThresholds.get(0);
    }

    /** AP at IoU > 0.75. */
    public double ap75() {
        return apAtThresholds.get(5);
    }

    /** Mean of the AP over the ten thresholds 0.50:0.05:0.95. */
    public double map() {
        double s = 0;
        for (double v : apAtThresholds) {
            s += v;
        }
        return s / apAtThresholds.size();
    }
}
