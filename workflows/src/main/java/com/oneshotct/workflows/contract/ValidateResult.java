package com.oneshotct.workflows.contract;

import java.util.Map;

/**
 * A checkpoint's validation scores, recorded in the registry as an evaluation on split {@code val}.
 *
 * @param checkpoint the checkpoint scored
 * @param evaluationId the registry's evaluation row
 * @param metrics headline figures by name, as {@link EvaluateResult}'s
 * @param imagesFrom which images were scored when not the whole validation split, else null
 * @param segmentationImages segmentation images scored
 * @param classificationImages classification images scored
 * @param seconds wall time of the scoring
 */
public record ValidateResult(CheckpointRef checkpoint, long evaluationId, Map<String, Double> metrics,
        String imagesFrom, int segmentationImages, int classificationImages, double seconds) {}
