package com.oneshotct.db;

import java.util.Locale;

/** Where a run stands. WAITING: a stage exhausted its retries and the workflow waits for a retry or abort signal. */
public enum RunStatus implements SqlName {
    REGISTERED, RUNNING, WAITING, SUCCEEDED, FAILED, ABORTED;

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == ABORTED;
    }

    /** Parses the database/command-line spelling ({@code running}); case-insensitive. */
    public static RunStatus of(String s) {
        return SqlName.parse(RunStatus.class, s.trim().toLowerCase(Locale.ROOT));
    }
}
