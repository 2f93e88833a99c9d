package com.oneshotct.workflows.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * One field of a random search's space: a list of values to pick from ({@code {"values": [...]}}), or a range
 * ({@code {"min": a, "max": b, "log": false}}): integers drawn uniformly from [min, max] when both bounds are integers
 * and {@code log} is false, else numbers from [min, max) uniformly, or log-uniformly with {@code log} true (then
 * min must be above 0).
 */
record Dimension(String field, List<JsonNode> values, double min, double max, boolean log, boolean integral) {
    private static final List<String> KEYS = List.of("values", "min", "max", "log");

    Dimension named(String name) {
        return new Dimension(name, values, min, max, log, integral);
    }

    /** Reads one dimension, adding its problems under {@code where}; null if it has any. */
    static Dimension read(String where, JsonNode spec, List<String> problems) {
        int before = problems.size();
        if (!spec.isObject()) {
            problems.add("field '" + where + "' must be {\"values\": [...]} or {\"min\": a, \"max\": b, \"log\": "
                    + "false}, got " + SweepInput.show(spec));
            return null;
        }
        spec.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                problems.add("field '" + where + "." + k + "' is unknown (known: " + String.join(", ", KEYS) + ")");
            }
        });
        JsonNode values = spec.get("values");
        JsonNode min = spec.get("min");
        JsonNode max = spec.get("max");
        JsonNode log = spec.get("log");
        if (SweepInput.present(values)) {
            if (SweepInput.present(min) || SweepInput.present(max) || SweepInput.present(log)) {
                problems.add("field '" + where + "' takes either 'values' or 'min'/'max'/'log', not both");
            }
            if (!values.isArray() || values.isEmpty()) {
                problems.add("field '" + where + ".values' must be a non-empty array, got " + SweepInput.show(values));
            }
            if (problems.size() > before) {
                return null;
            }
            List<JsonNode> list = new ArrayList<>();
            values.forEach(list::add);
            return new Dimension(null, List.copyOf(list), 0, 0, false, false);
        }
        for (String k : List.of("min", "max")) {
            JsonNode v = spec.get(k);
            if (!SweepInput.present(v) || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
                problems.add("field '" + where + "." + k + "' must be a number (or give 'values'), got "
                        + (v == null ? "nothing" : SweepInput.show(v)));
            }
        }
        boolean isLog = false;
        if (SweepInput.present(log)) {
            if (!log.isBoolean()) {
                problems.add("field '" + where + ".log' must be true or false, got " + SweepInput.show(log));
            } else {
                isLog = log.booleanValue();
            }
        }
        if (problems.size() > before) {
            return null;
        }
        double lo = min.doubleValue();
        double hi = max.doubleValue();
        if (!(lo <= hi)) {
            problems.add("field '" + where + "': min " + min + " is above max " + max);
        } else if (isLog && !(lo > 0)) {
            problems.add("field '" + where + "': a log range needs min above 0, got " + min);
        }
        if (problems.size() > before) {
            return null;
        }
        boolean integral = !isLog && min.isIntegralNumber() && max.isIntegralNumber();
        return new Dimension(null, null, lo, hi, isLog, integral);
    }

    JsonNode draw(SplitMix64 rng) {
        if (values != null) {
            return values.get((int) rng.nextBelow(values.size())).deepCopy();
        }
        if (integral) {
            long lo = (long) min;
            return JsonNodeFactory.instance.numberNode(lo + rng.nextBelow((long) max - lo + 1));
        }
        double u = rng.nextDouble();
        double v = log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
        // exp(log(x)) may land a hair outside the range
        return JsonNodeFactory.instance.numberNode(Math.min(max, Math.max(min, v)));
    }
}
