package com.oneshotct.workflows.pipeline;

import java.util.Map;

/**
 * The answer of the {@code progress} query.
 *
 * @param stage current stage ({@code register}, {@code fetch_dataset}, {@code train}, {@code validate} (the
 *     scorings still running after training), {@code evaluate},
 *     {@code register_metrics}, {@code done})
 * @param status {@code running}, {@code waiting} (a stage exhausted its retries), {@code stopping},
 *     {@code succeeded}, {@code aborted}
 * @param iteration iterations trained so far
 * @param total iterations requested
 * @param epoch iterations divided by the training-split size (0 before the dataset is known)
 * @param losses the last reported losses by name
 * @param latestCheckpoint object key of the newest checkpoint reported, or null
 * @param attempts activity attempts so far by stage (a stage absent has not started)
 * @param etaSeconds estimated seconds of training left, or -1 when unknown
 * @param waitingFor the failure a waiting run waits on, else null
 * @param validation checkpoint validation so far; null when the run does not validate
 */
public record PipelineProgress(String stage, String status, int iteration, int total, double epoch,
        Map<String, Double> losses, String latestCheckpoint, Map<String, Integer> attempts, double etaSeconds,
        String waitingFor, ValidationProgress validation) {
    PipelineProgress withValidation(ValidationProgress v) {
        return new PipelineProgress(stage, status, iteration, total, epoch, losses, latestCheckpoint, attempts,
                etaSeconds, waitingFor, v);
    }
}
