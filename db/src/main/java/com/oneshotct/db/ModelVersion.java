package com.oneshotct.db;

import java.time.Instant;

/** Version {@code version} of model {@code name}: a checkpoint of some run, optionally under an alias. */
public record ModelVersion(String name, int version, long checkpointId, String workflowId, int iteration,
                           String objectKey, String alias, Instant createdAt) {
}
