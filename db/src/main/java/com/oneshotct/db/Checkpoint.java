package com.oneshotct.db;

import java.time.Instant;

/** A recorded checkpoint; {@code id} is what evaluations and model versions refer to. */
public record Checkpoint(long id, String workflowId, int iteration, int attempt, String objectKey, String sha256,
                         long bytes, Instant createdAt) {
}
