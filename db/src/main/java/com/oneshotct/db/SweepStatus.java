package com.oneshotct.db;

import java.util.Locale;

/**
 * Where a sweep stands: RUNNING until the TrainingSweep workflow ends; then how it ended (COMPLETED: every point
 * ran; STOPPED, ABORTED: by signal; CANCELLED: the workflow itself was cancelled). Its children's fates are their
 * runs' statuses.
 */
public enum SweepStatus implements SqlName {
    RUNNING, COMPLETED, STOPPED, ABORTED, CANCELLED;

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the database spelling ({@code completed}); case-insensitive. */
    public static SweepStatus of(String s) {
        return SqlName.parse(SweepStatus.class, s.trim().toLowerCase(Locale.ROOT));
    }
}
