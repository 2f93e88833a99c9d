package com.oneshotct.workflows.pipeline;

import java.util.List;

/**
 * How a run scores its checkpoints while it trains (docs/pipeline.md, "Checkpoint evaluation"): CPU workers score
 * every {@code every}-th checkpoint, and the final one, on the validation images; the best by {@code metric} is the
 * one tested and registered.
 *
 * @param every score every k-th checkpoint (by checkpoint number: iteration / checkpointInterval); 0 scores none,
 *     and the run tests its last checkpoint as before
 * @param split the validation split's name; a task without it is validated on its training split
 * @param images the most validation images of each task (segmentation, classification) per checkpoint
 * @param metric the selection metric, or {@value #AUTO}: weighted F1 when the validation images include
 *     classification ones, else mAP
 * @param earlyStop stop training after this many scored checkpoints in a row without improvement; 0 never
 * @param concurrency at most this many checkpoint scorings at once
 */
public record Validation(int every, String split, int images, String metric, int earlyStop, int concurrency) {
    public static final String AUTO = "auto";
    /** What {@value #AUTO} picks when the validation images include classification ones: the paper's headline. */
    public static final String PAPER_METRIC = "weighted_f1";
    /** What {@value #AUTO} picks for segmentation-only data. */
    public static final String DETECTION_METRIC = "map";
    /** The metrics a run can select on: higher is better for each. */
    public static final List<String> METRICS = List.of(AUTO, "weighted_f1", "accuracy", "macro_f1", "map", "ap50",
            "ap75", "coco_ap", "coco_ap50", "coco_ap75");

    public static Validation defaults() {
        return new Validation(1, "val", 64, AUTO, 0, 2);
    }

    public boolean enabled() {
        return every > 0;
    }

    /** The metric to select on, given whether the validation images include classification ones. */
    public String metricFor(boolean hasClassification) {
        if (!AUTO.equals(metric)) {
            return metric;
        }
        return hasClassification ? PAPER_METRIC : DETECTION_METRIC;
    }
}
