package com.oneshotct.workflows.sweep;

import java.util.List;

/**
 * The answer of the sweep's {@code progress} query.
 *
 * @param status {@code running}, {@code stopping}, {@code aborting}, {@code completed}, {@code stopped} or
 *     {@code aborted}
 * @param maxConcurrent children running at once at most
 * @param running children running now
 * @param finished children that ended (succeeded, aborted or failed)
 * @param children every point in order
 * @param metric the metric the leaderboard sorts by (null until a child has one)
 * @param leaderboard the children that have the metric, best first
 */
public record SweepProgress(String status, int maxConcurrent, int running, int finished, List<SweepChild> children,
        String metric, List<Ranked> leaderboard) {}
