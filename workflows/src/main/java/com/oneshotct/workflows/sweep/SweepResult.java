package com.oneshotct.workflows.sweep;

import java.util.List;

/**
 * How a sweep ended.
 *
 * @param sweepId the sweep's workflow id
 * @param status {@code completed} (every point ran), {@code stopped} or {@code aborted} (by signal; points never
 *     started are {@code skipped})
 * @param children every point in order, with its child's status and metrics
 * @param metric the metric the leaderboard sorts by (null when no child has it)
 * @param leaderboard the children that have the metric, best first
 * @param message the abort reason, else null
 */
public record SweepResult(String sweepId, String status, List<SweepChild> children, String metric,
        List<Ranked> leaderboard, String message) {}
