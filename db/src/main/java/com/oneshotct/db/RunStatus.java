package com.oneshotct.db;

import java.util.Locale;

/**
 * Where a run stands. WAITING: a stage exhausted its retries and the workflow waits for a retry or abort signal.
 * LOST: Temporal no longer knows the run's workflow (e.g. the embedded stack's in-memory Temporal restarted), so
 * nothing will ever end it; set by {@link RunRepository#markLost} with the reason.
 */
public enum RunStatus implements SqlName {
    REGISTERED, RUNNING, WAITING, SUCCEEDED, FAILED, ABORTED, LOST;

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == ABORTED || this == LOST;
    }

    /** Parses the database/command-line spelling ({@code running}); case-insensitive. */
    public static RunStatus of(String s) {
        return SqlName.parse(RunStatus.class, s.trim().toLowerCase(Locale.ROOT));
    }
}
