package com.oneshotct.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A configuration that cannot be used: every problem, one per bad field, each naming its field
 * ({@code field 'lr' must be ...}), so a caller that reads several sources (the pipeline input) can list them all in
 * its own words.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public ConfigException(String what, List<String> problems) {
        super(what + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One entry per bad field, without the leading {@code what}. */
    public List<String> problems() {
        return problems;
    }

    /** Collects problems in the house wording. */
    static final class Problems {
        final List<String> list = new ArrayList<>();

        void add(String field, String what) {
            list.add("field '" + field + "' " + what);
        }

        void range(String field, long v, long min, long max) {
            if (v < min || v > max) {
                add(field, "must be between " + min + " and " + max + ", got " + v);
            }
        }

        void above(String field, double v, double lowExclusive, double max) {
            if (!(v > lowExclusive && v <= max)) {
                add(field, "must be above " + lowExclusive + " and at most " + max + ", got " + v);
            }
        }

        void throwIfAny(String what) {
            if (!list.isEmpty()) {
                throw new ConfigException(what, list);
            }
        }
    }
}
