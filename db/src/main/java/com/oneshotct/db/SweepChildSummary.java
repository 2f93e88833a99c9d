package com.oneshotct.db;

/**
 * One row of the {@code sweep_summary} view: one point of a sweep and how its child run fared.
 *
 * @param sweepId the sweep's workflow id
 * @param k the point's number, from 1
 * @param workflowId the child run's workflow id
 * @param pointJson the varied fields and their values, a JSON object
 * @param status the child run's status; {@code pending} before it registered, {@code skipped} when the sweep ended
 *     without starting it
 * @param metric the sweep's ranking metric ({@code weighted_f1} when its input named none)
 * @param bestVal the best value of the metric over the run's evaluations on split {@code val}, else null
 * @param split the split whose newest evaluation the next figures come from ({@code test} unless the sweep named one)
 * @param splitValue the metric on that evaluation
 * @param evalIteration the iteration of the checkpoint that evaluation scored
 * @param rank 1 = best (by {@code bestVal}, then {@code splitValue}); ties share one; null when unranked
 * @param sweepStatus the sweep's own status
 * @param error the child run's error text, else null
 */
public record SweepChildSummary(String sweepId, int k, String workflowId, String pointJson, String status,
                                String metric, Double bestVal, String split, Double splitValue, Double accuracy,
                                Double weightedF1, Double macroF1, Double ap50, Double map, Double cocoAp,
                                Integer evalIteration, Integer rank, SweepStatus sweepStatus, String error) {

    /** Whether the child registered its run ({@code runs} has no status pending or skipped, so this is exact). */
    public boolean hasRun() {
        return !"pending".equals(status) && !"skipped".equals(status);
    }
}
