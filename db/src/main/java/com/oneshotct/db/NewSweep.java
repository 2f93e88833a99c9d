package com.oneshotct.db;

import java.util.List;
import java.util.Objects;

/**
 * What a sweep records before it starts its first child: its workflow id, Temporal's run id, its input as given
 * (a JSON object), the metric it ranks by (null: the workflow's default), the split its leaderboard reads, how many
 * children run at once, and every point.
 */
public record NewSweep(String workflowId, String temporalRunId, String inputJson, String metric, String split,
                       int maxConcurrent, List<Point> points) {

    /**
     * One point: its number from 1, its child's workflow id, and the varied fields and their values (a JSON object).
     */
    public record Point(int k, String workflowId, String valuesJson) {

        public Point {
            Objects.requireNonNull(workflowId, "workflowId");
            Objects.requireNonNull(valuesJson, "valuesJson");
        }
    }

    public NewSweep {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(inputJson, "inputJson");
        Objects.requireNonNull(split, "split");
        points = List.copyOf(points);
    }
}
