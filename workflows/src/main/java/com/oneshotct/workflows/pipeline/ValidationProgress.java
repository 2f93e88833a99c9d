package com.oneshotct.workflows.pipeline;

import java.util.Map;

/**
 * Checkpoint validation so far, in the {@code progress} query's answer.
 *
 * @param metric the selection metric (null until the first score says whether the data has classification)
 * @param scores each scored checkpoint's value of {@code metric}, by iteration
 * @param running scorings under way
 * @param queued checkpoints waiting for a scoring slot
 * @param failed checkpoints whose scoring failed for good (they are not candidates)
 * @param bestIteration the best checkpoint's iteration so far, 0 before the first score
 * @param best its value of {@code metric}
 * @param sinceBest scored checkpoints after the best one, counted in iteration order (what early stop counts)
 */
public record ValidationProgress(String metric, Map<Integer, Double> scores, int running, int queued, int failed,
        int bestIteration, double best, int sinceBest) {}
