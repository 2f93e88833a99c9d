package com.oneshotct.db;

import java.time.Instant;

/** A recorded sweep; {@code metric} is null when its input named none, {@code endedAt} null while it runs. */
public record Sweep(String workflowId, String temporalRunId, String inputJson, String metric, String split,
                    int maxConcurrent, SweepStatus status, Instant createdAt, Instant endedAt, int points) {
}
