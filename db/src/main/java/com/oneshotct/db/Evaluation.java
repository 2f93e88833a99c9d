package com.oneshotct.db;

import java.time.Instant;

/**
 * A recorded evaluation, with the identity of the checkpoint it scored.
 *
 * @param imagesFrom which images were scored when not the whole split (a validation subset, or a slice of the
 *     training split standing in for a missing validation split); null for the whole split
 */
public record Evaluation(long id, String workflowId, long checkpointId, int checkpointIteration,
                         String checkpointKey, Instant createdAt, EvaluationScores scores, String imagesFrom) {
    /** Validation scores, recorded while the run trained: split {@value #VALIDATION_SPLIT}. */
    public static final String VALIDATION_SPLIT = "val";

    public boolean validation() {
        return VALIDATION_SPLIT.equals(scores.split());
    }
}
