package com.oneshotct.db;

import java.util.Locale;

/** How a stage attempt ended. */
public enum Outcome implements SqlName {
    SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome of(String s) {
        return SqlName.parse(Outcome.class, s.trim().toLowerCase(Locale.ROOT));
    }
}
