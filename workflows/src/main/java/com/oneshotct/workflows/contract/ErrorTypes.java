package com.oneshotct.workflows.contract;

import java.util.List;

/**
 * The {@code ApplicationFailure} types an activity raises for failures that no retry can fix. Every stage's retry
 * policy lists them as non-retryable, so a bad dataset fails at once with its message instead of after hours of
 * backoff.
 */
public final class ErrorTypes {
    /** The dataset's bytes are wrong: hash mismatch, missing object, malformed manifest, unreadable image. */
    public static final String BAD_DATA = "BadData";
    /** The run's configuration cannot work: unknown backbone, impossible hyperparameters, malformed input. */
    public static final String BAD_CONFIG = "BadConfig";
    /** A checkpoint written for another configuration or architecture. */
    public static final String FOREIGN_CHECKPOINT = "ForeignCheckpoint";
    /** A named thing (dataset, run, checkpoint) does not exist. */
    public static final String NOT_FOUND = "NotFound";

    public static final List<String> NON_RETRYABLE = List.of(BAD_DATA, BAD_CONFIG, FOREIGN_CHECKPOINT, NOT_FOUND);

    private ErrorTypes() {}
}
