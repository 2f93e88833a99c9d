package com.oneshotct.db;

import java.util.Locale;

/**
 * The stages of a run, in the order they run (platform-design.md, "One run, stage by stage"); {@code validate} runs
 * beside {@code train}, once per checkpoint scored.
 */
public enum Stage implements SqlName {
    REGISTER, FETCH_DATASET, TRAIN, VALIDATE, EVALUATE, REGISTER_METRICS;

    /**
     * Whether executions of this stage run side by side within one run (validation: one per checkpoint), so a new
     * one does not mean Temporal gave up on an open one.
     */
    public boolean concurrent() {
        return this == VALIDATE;
    }

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage of(String s) {
        return SqlName.parse(Stage.class, s.trim().toLowerCase(Locale.ROOT));
    }
}
