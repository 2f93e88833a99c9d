package com.oneshotct.db;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An evaluation metric that runs can be ranked by; {@link #sql()} is its column in {@code evaluations}, which is
 * also the only way a metric name reaches SQL text (never a user's string). Higher is better for every one.
 */
public enum Metric implements SqlName {
    ACCURACY, WEIGHTED_F1, MACRO_F1,
    SENSITIVITY_NORMAL, SENSITIVITY_CP, SENSITIVITY_COVID,
    PRECISION_NORMAL, PRECISION_CP, PRECISION_COVID,
    AP50, AP75, MAP, COCO_AP, COCO_AP50, COCO_AP75;

    @Override
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A mask AP figure, which depends on the evaluation's AP protocol (its detection cap and score threshold). */
    public boolean isAp() {
        return compareTo(AP50) >= 0;
    }

    /** Parses {@code weighted_f1} or {@code weighted-f1}; the error lists every known metric. */
    public static Metric of(String s) {
        String key = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Metric m : values()) {
            if (m.sql().equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + s + "'; known: "
                + Arrays.stream(values()).map(Metric::sql).collect(Collectors.joining(", ")));
    }
}
