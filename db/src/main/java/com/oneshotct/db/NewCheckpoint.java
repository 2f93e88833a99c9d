package com.oneshotct.db;

import java.util.Objects;

/** A checkpoint already uploaded to object storage: its attempt-scoped key, SHA-256 (lower-case hex) and size. */
public record NewCheckpoint(String workflowId, int iteration, int attempt, String objectKey, String sha256,
                            long bytes) {

    public NewCheckpoint {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(objectKey, "objectKey");
    }
}
