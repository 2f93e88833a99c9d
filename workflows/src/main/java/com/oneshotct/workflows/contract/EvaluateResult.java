package com.oneshotct.workflows.contract;

import java.util.Map;

/**
 * One evaluation per split.
 *
 * @param checkpoint the checkpoint evaluated
 * @param evaluationIds registry ids of the evaluation rows, by split
 * @param metrics headline figures by split then metric name ({@code accuracy}, {@code weighted_f1},
 *     {@code ap50}, {@code ap75}, {@code map}, ...)
 */
public record EvaluateResult(CheckpointRef checkpoint, Map<String, Long> evaluationIds,
        Map<String, Map<String, Double>> metrics) {}
