package com.oneshotct.db;

import java.util.Locale;

/** The stages of a run, in the order they run (platform-design.md, "One run, stage by stage"). */
public enum Stage implements SqlName {
    REGISTER, FETCH_DATASET, TRAIN, EVALUATE, REGISTER_METRICS;

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage of(String s) {
        return SqlName.parse(Stage.class, s.trim().toLowerCase(Locale.ROOT));
    }
}
