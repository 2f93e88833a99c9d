package com.oneshotct.workflows.contract;

import java.util.List;

/**
 * What a sweep records before it starts its first child: itself and every point (registerSweep).
 *
 * @param sweepId the sweep's workflow id
 * @param temporalRunId Temporal's run id of the sweep
 * @param inputJson the sweep's input as given, a JSON object
 * @param metric the metric its leaderboard sorts by, or null when the input names none
 * @param split the evaluation split its leaderboard reads
 * @param maxConcurrent children running at once at most
 * @param points every point, in order
 */
public record RegisterSweepRequest(String sweepId, String temporalRunId, String inputJson, String metric, String split,
        int maxConcurrent, List<Point> points) {

    /**
     * One point of the sweep.
     *
     * @param k its number, from 1
     * @param workflowId its child run's workflow id
     * @param valuesJson the varied fields and their values, a JSON object
     */
    public record Point(int k, String workflowId, String valuesJson) {}
}
