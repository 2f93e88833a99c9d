package com.oneshotct.db;

import java.time.Instant;

/**
 * A recorded attempt; {@code outcome} and {@code endedAt} are null while it runs. {@code note} is what the attempt
 * said about itself in words (e.g. the checkpoint it resumed from, one it skipped as corrupt), one line each, or null.
 */
public record StageAttempt(String workflowId, Stage stage, int attempt, String workerIdentity, String taskQueue,
                           Instant startedAt, Instant endedAt, Outcome outcome, String errorClass,
                           String errorMessage, String note) {

    public boolean running() {
        return outcome == null;
    }
}
