package com.oneshotct.db;

import java.time.Instant;

/** A recorded evaluation, with the identity of the checkpoint it scored. */
public record Evaluation(long id, String workflowId, long checkpointId, int checkpointIteration,
                         String checkpointKey, Instant createdAt, EvaluationScores scores) {
}
