package com.oneshotct.workflows.contract;

import java.util.Map;

/**
 * Training progress, sent by the training activity to its workflow (signal {@code trainingProgress}) so the
 * workflow's {@code progress} query can answer without reading heartbeats.
 *
 * @param attempt the activity attempt sending it
 * @param iteration iterations done in the run
 * @param total iterations requested
 * @param losses the last iteration's losses by name
 * @param checkpointKey object key of the newest recorded checkpoint, or null
 * @param secondsPerIteration recent mean wall time of one iteration (for the ETA)
 * @param epoch iterations done divided by the training split's size (the larger of its segmentation and
 *     classification training images); 0 when unknown, as in signals from workers that predate it
 * @param checkpointId registry id of the newest recorded checkpoint ({@code checkpointKey}), 0 when none or unknown
 * @param checkpointIteration that checkpoint's iteration, 0 when none
 */
public record TrainProgress(int attempt, int iteration, int total, Map<String, Double> losses,
        String checkpointKey, double secondsPerIteration, double epoch, long checkpointId, int checkpointIteration) {
    /** The signal's name: the activity sends it by name, so it needs no workflow interface. */
    public static final String SIGNAL = "trainingProgress";

    /** Without the checkpoint's id and iteration, as workers sent before checkpoint validation. */
    public TrainProgress(int attempt, int iteration, int total, Map<String, Double> losses, String checkpointKey,
            double secondsPerIteration, double epoch) {
        this(attempt, iteration, total, losses, checkpointKey, secondsPerIteration, epoch, 0, 0);
    }
}
