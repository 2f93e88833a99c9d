package com.oneshotct.db;

import java.time.Instant;
import java.util.Objects;

/** How and when an attempt ended; a failure carries the exception's class and message. */
public record AttemptEnd(Outcome outcome, Instant endedAt, String errorClass, String errorMessage) {

    public AttemptEnd {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(endedAt, "endedAt");
    }

    public static AttemptEnd succeeded(Instant endedAt) {
        return new AttemptEnd(Outcome.SUCCEEDED, endedAt, null, null);
    }

    public static AttemptEnd failed(Instant endedAt, String errorClass, String errorMessage) {
        return new AttemptEnd(Outcome.FAILED, endedAt, errorClass, errorMessage);
    }

    public static AttemptEnd failed(Instant endedAt, Throwable error) {
        return failed(endedAt, error.getClass().getName(), String.valueOf(error.getMessage()));
    }
}
