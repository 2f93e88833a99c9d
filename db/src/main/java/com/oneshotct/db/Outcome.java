package com.oneshotct.db;

import java.util.Locale;

/**
 * How a stage attempt ended. LOST: nothing closed it (its worker was killed, cut off or stalled); it was closed when
 * a later attempt of its stage started, when its run ended or when its run was found lost (V7), with the reason in
 * its error class ({@code superseded}, {@code run_ended}, {@code workflow_lost}) and message.
 */
public enum Outcome implements SqlName {
    SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, LOST;

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome of(String s) {
        return SqlName.parse(Outcome.class, s.trim().toLowerCase(Locale.ROOT));
    }
}
