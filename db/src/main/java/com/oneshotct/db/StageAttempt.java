package com.oneshotct.db;

import java.time.Instant;

/** A recorded attempt; {@code outcome} and {@code endedAt} are null while it runs. */
public record StageAttempt(String workflowId, Stage stage, int attempt, String workerIdentity, String taskQueue,
                           Instant startedAt, Instant endedAt, Outcome outcome, String errorClass,
                           String errorMessage) {

    public boolean running() {
        return outcome == null;
    }
}
