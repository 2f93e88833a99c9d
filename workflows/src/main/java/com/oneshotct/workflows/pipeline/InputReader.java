package com.oneshotct.workflows.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the optional fields of one JSON object, collecting every problem instead of stopping at the first, so a
 * person who typed three wrong fields into the Temporal UI learns about all three from one failed run.
 *
 * <p>A field that is absent or JSON {@code null} takes its default.
 */
final class InputReader {
    private final ObjectNode json;
    private final List<String> problems = new ArrayList<>();

    InputReader(ObjectNode json, Set<String> known) {
        this.json = json;
        json.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add("field '" + name + "' is unknown (known fields: " + String.join(", ", known) + ")");
            }
        });
    }

    List<String> problems() {
        return problems;
    }

    int integer(String field, int fallback, int min, int max) {
        return (int) integral(field, fallback, min, max);
    }

    long integral(String field, long fallback, long min, long max) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            return bad(field, "must be an integer between " + min + " and " + max + ", got " + show(node), fallback);
        }
        long value = node.longValue();
        if (value < min || value > max) {
            return bad(field, "must be between " + min + " and " + max + ", got " + value, fallback);
        }
        return value;
    }

    /** A number strictly above {@code lowExclusive} and at most {@code max}. */
    double number(String field, double fallback, double lowExclusive, double max) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isNumber()) {
            return bad(field, "must be a number, got " + show(node), fallback);
        }
        double value = node.doubleValue();
        if (!(value > lowExclusive && value <= max)) {
            return bad(field, "must be above " + lowExclusive + " and at most " + max + ", got " + node, fallback);
        }
        return value;
    }

    String text(String field, String fallback, Pattern format, String formatText) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isTextual()) {
            return bad(field, "must be a string, got " + show(node), fallback);
        }
        String value = node.textValue();
        if (!format.matcher(value).matches()) {
            return bad(field, "must be " + formatText + ", got " + show(node), fallback);
        }
        return value;
    }

    String choice(String field, String fallback, List<String> allowed) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isTextual()) {
            return bad(field, "must be a string, got " + show(node), fallback);
        }
        if (!allowed.contains(node.textValue())) {
            return bad(field, "must be one of " + String.join(", ", allowed) + ", got " + show(node), fallback);
        }
        return node.textValue();
    }

    /** An ISO-8601 duration ({@code PT5M}, {@code P7D}) within [min, max]. */
    Duration duration(String field, Duration fallback, Duration min, Duration max) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isTextual()) {
            return bad(field, "must be an ISO-8601 duration string such as PT5M or P7D, got " + show(node),
                    fallback);
        }
        Duration value;
        try {
            value = Duration.parse(node.textValue());
        } catch (DateTimeParseException e) {
            return bad(field, "must be an ISO-8601 duration such as PT5M or P7D, got " + show(node), fallback);
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            return bad(field, "must be between " + min + " and " + max + ", got " + show(node), fallback);
        }
        return value;
    }

    /** A non-empty array of distinct strings, each matching {@code format}. */
    List<String> texts(String field, List<String> fallback, Pattern format, String formatText, int maxSize) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > maxSize) {
            return bad(field, "must be an array of 1 to " + maxSize + " strings, got " + show(node), fallback);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || !format.matcher(item.textValue()).matches()) {
                return bad(field, "every entry must be " + formatText + ", got " + show(item), fallback);
            }
            if (values.contains(item.textValue())) {
                return bad(field, "lists " + show(item) + " twice", fallback);
            }
            values.add(item.textValue());
        }
        return List.copyOf(values);
    }

    /** A non-empty array of distinct whole numbers, each within [min, max]. */
    List<Integer> integers(String field, List<Integer> fallback, int min, int max, int maxSize) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > maxSize) {
            return bad(field, "must be an array of 1 to " + maxSize + " whole numbers, got " + show(node), fallback);
        }
        List<Integer> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isIntegralNumber() || !item.canConvertToInt() || item.intValue() < min
                    || item.intValue() > max) {
                return bad(field, "every entry must be a whole number in " + min + ".." + max + ", got "
                        + show(item), fallback);
            }
            if (values.contains(item.intValue())) {
                return bad(field, "lists " + show(item) + " twice", fallback);
            }
            values.add(item.intValue());
        }
        return List.copyOf(values);
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private <T> T bad(String field, String problem, T fallback) {
        problems.add("field '" + field + "' " + problem);
        return fallback;
    }

    /** The offending value with its JSON type, cut short so a huge value cannot flood the failure message. */
    static String show(JsonNode node) {
        String text = node.toString();
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + text;
    }
}
