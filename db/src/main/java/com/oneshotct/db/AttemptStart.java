package com.oneshotct.db;

import java.time.Instant;
import java.util.Objects;

/** One attempt of one stage began: which worker, on which task queue, when (the activity's own start time). */
public record AttemptStart(String workflowId, Stage stage, int attempt, String workerIdentity, String taskQueue,
                           Instant startedAt) {

    public AttemptStart {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
