package com.oneshotct.workflows.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.workflows.pipeline.PipelineInput;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated request of one sweep: the base pipeline input, the points to train (each a set of varied fields
 * merged over the base, each merged input already accepted by {@link PipelineInput#parse}), how many children run at
 * once, and the metric the leaderboard sorts by.
 *
 * <p>{@link #parse} takes plain JSON, like the pipeline: {@code {"base": {...}, "grid": {"lr": [...], ...}}} (the
 * cartesian product, fields in the order given, the last varying fastest) or {@code {"base": {...}, "random": {"n": 8,
 * "space": {...}, "seed": 1}}} (values drawn by a SplitMix64 generator seeded from {@code seed}: the same input gives
 * the same points, on every replay and every JDK). Every problem is named in one {@link IllegalArgumentException}: the
 * field, and for a point whose merged input fails, the point's number and values.
 *
 * @param base the base pipeline input as given (an object; {@code {}} when absent)
 * @param points the points in order, numbered from 1
 * @param maxConcurrent children running at once
 * @param metric the metric the leaderboard sorts by, or null: {@code weighted_f1} where a child has it, else
 *     {@code ap50}
 * @param split the evaluation split the leaderboard reads
 */
public record SweepInput(ObjectNode base, List<Point> points, int maxConcurrent, String metric, String split) {

    /** The most points one sweep may have. */
    public static final int MAX_POINTS = 256;
    /** The most children one sweep runs at once. */
    public static final int MAX_CONCURRENT = 64;
    public static final int DEFAULT_MAX_CONCURRENT = 2;
    public static final String DEFAULT_SPLIT = "test";
    /** How many bad points one message names before it counts the rest. */
    private static final int MAX_NAMED_POINTS = 5;
    private static final List<String> FIELDS = List.of("base", "grid", "random", "maxConcurrent", "metric", "split");
    private static final List<String> RANDOM_FIELDS = List.of("n", "space", "seed");
    private static final Pattern METRIC = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SPLIT = Pattern.compile("[a-z]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One point of the sweep.
     *
     * @param k its number, from 1: the child's id is {@code <sweepId>-<k>}
     * @param values the varied fields and their values, in the sweep's field order
     * @param input the merged pipeline input, base and values: what the child is started with
     */
    public record Point(int k, ObjectNode values, ObjectNode input) {}

    /**
     * Reads a sweep request: a JSON object, or a JSON string holding one.
     *
     * @throws IllegalArgumentException naming every bad field and bad point
     */
    public static SweepInput parse(JsonNode input) {
        JsonNode node = input;
        if (node != null && node.isTextual()) {
            try {
                node = JSON.readTree(node.textValue());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("sweep input: the string is not valid JSON: " + e.getOriginalMessage());
            }
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("sweep input must be a JSON object (or a string holding one) with "
                    + "\"base\" and \"grid\" or \"random\", got " + (node == null ? "nothing" : show(node)));
        }
        List<String> problems = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                problems.add("field '" + f + "' is unknown (known fields: " + String.join(", ", FIELDS) + ")");
            }
        });
        ObjectNode base = JsonNodeFactory.instance.objectNode();
        JsonNode b = node.get("base");
        if (b != null && b.isTextual()) {
            try {
                b = JSON.readTree(b.textValue());
            } catch (JsonProcessingException e) {
                problems.add("field 'base': the string is not valid JSON: " + e.getOriginalMessage());
                b = null;
            }
        }
        if (b != null && !b.isNull() && !b.isObject()) {
            problems.add("field 'base' must be a pipeline input object, got " + show(b));
        } else if (b != null && b.isObject()) {
            base = (ObjectNode) b;
        }
        int maxConcurrent = integer(node, "maxConcurrent", DEFAULT_MAX_CONCURRENT, 1, MAX_CONCURRENT, problems);
        String metric = text(node, "metric", null, METRIC, problems);
        String split = text(node, "split", DEFAULT_SPLIT, SPLIT, problems);

        JsonNode grid = node.get("grid");
        JsonNode random = node.get("random");
        List<ObjectNode> values = List.of();
        if (present(grid) && present(random)) {
            problems.add("fields 'grid' and 'random' exclude each other: give one");
        } else if (present(grid)) {
            values = grid(grid, problems);
        } else if (present(random)) {
            values = random(random, problems);
        } else {
            problems.add("field 'grid' or 'random' is required: the values to vary over the base");
        }

        List<Point> points = new ArrayList<>();
        if (problems.isEmpty()) {
            // the base with the varied fields removed must stand on its own: its problems are named once
            ObjectNode rest = base.deepCopy();
            values.get(0).fieldNames().forEachRemaining(rest::remove);
            try {
                PipelineInput.parse(rest);
            } catch (IllegalArgumentException e) {
                problems.add("field 'base': " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            List<String> bad = new ArrayList<>();
            int badCount = 0;
            for (int i = 0; i < values.size(); i++) {
                ObjectNode merged = base.deepCopy();
                merged.setAll(values.get(i));
                try {
                    PipelineInput.parse(merged);
                    points.add(new Point(i + 1, values.get(i), merged));
                } catch (IllegalArgumentException e) {
                    if (++badCount <= MAX_NAMED_POINTS) {
                        bad.add("point " + (i + 1) + " " + values.get(i) + ": " + e.getMessage());
                    }
                }
            }
            problems.addAll(bad);
            if (badCount > MAX_NAMED_POINTS) {
                problems.add("and " + (badCount - MAX_NAMED_POINTS) + " more bad points");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("sweep input: " + String.join("; ", problems));
        }
        return new SweepInput(base, List.copyOf(points), maxConcurrent, metric, split);
    }

    /** The cartesian product, fields in the order given, the last varying fastest. */
    private static List<ObjectNode> grid(JsonNode grid, List<String> problems) {
        if (!grid.isObject() || grid.isEmpty()) {
            problems.add("field 'grid' must be a non-empty object of field name to array of values, got " + show(grid));
            return List.of();
        }
        Map<String, List<JsonNode>> axes = new LinkedHashMap<>();
        long product = 1;
        for (Iterator<Map.Entry<String, JsonNode>> it = grid.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            if (!knownField("grid", f, problems)) {
                continue;
            }
            JsonNode v = e.getValue();
            if (!v.isArray() || v.isEmpty()) {
                problems.add("field 'grid." + f + "' must be a non-empty array of values, got " + show(v));
                continue;
            }
            List<JsonNode> list = new ArrayList<>();
            v.forEach(list::add);
            axes.put(f, list);
            product = Math.min(product * list.size(), MAX_POINTS + 1L);
        }
        if (product > MAX_POINTS) {
            problems.add("field 'grid' makes more than " + MAX_POINTS + " points");
        }
        if (!problems.isEmpty()) {
            return List.of();
        }
        List<ObjectNode> points = new ArrayList<>();
        points.add(JsonNodeFactory.instance.objectNode());
        for (Map.Entry<String, List<JsonNode>> axis : axes.entrySet()) {
            List<ObjectNode> next = new ArrayList<>();
            for (ObjectNode p : points) {
                for (JsonNode v : axis.getValue()) {
                    ObjectNode q = p.deepCopy();
                    q.set(axis.getKey(), v.deepCopy());
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    /** {@code n} points drawn from {@code space}, fields in the order given, from a generator seeded by {@code seed}. */
    private static List<ObjectNode> random(JsonNode random, List<String> problems) {
        if (!random.isObject()) {
            problems.add("field 'random' must be an object {\"n\": ..., \"space\": {...}, \"seed\": ...}, got "
                    + show(random));
            return List.of();
        }
        random.fieldNames().forEachRemaining(f -> {
            if (!RANDOM_FIELDS.contains(f)) {
                problems.add("field 'random." + f + "' is unknown (known: " + String.join(", ", RANDOM_FIELDS) + ")");
            }
        });
        int n = 0;
        JsonNode nNode = random.get("n");
        if (!present(nNode)) {
            problems.add("field 'random.n' is required: how many points to draw");
        } else {
            n = integer(random, "n", 0, 1, MAX_POINTS, problems, "random.n");
        }
        long seed = 1;
        JsonNode seedNode = random.get("seed");
        if (present(seedNode)) {
            if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
                problems.add("field 'random.seed' must be an integer, got " + show(seedNode));
            } else {
                seed = seedNode.longValue();
            }
        }
        JsonNode space = random.get("space");
        List<Dimension> dims = new ArrayList<>();
        if (space == null || !space.isObject() || space.isEmpty()) {
            problems.add("field 'random.space' must be a non-empty object of field name to {\"values\": [...]} or "
                    + "{\"min\": a, \"max\": b, \"log\": false}, got " + (space == null ? "nothing" : show(space)));
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = space.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (knownField("random.space", e.getKey(), problems)) {
                    Dimension d = Dimension.read("random.space." + e.getKey(), e.getValue(), problems);
                    if (d != null) {
                        dims.add(d.named(e.getKey()));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            return List.of();
        }
        SplitMix64 rng = new SplitMix64(seed);
        List<ObjectNode> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            for (Dimension d : dims) {
                p.set(d.field(), d.draw(rng));
            }
            points.add(p);
        }
        return points;
    }

    private static boolean knownField(String where, String f, List<String> problems) {
        Set<String> known = PipelineInput.fields();
        if (!known.contains(f)) {
            problems.add("field '" + where + "." + f + "' is not a pipeline input field (known fields: "
                    + String.join(", ", known) + ")");
            return false;
        }
        return true;
    }

    private static int integer(JsonNode node, String field, int fallback, int min, int max, List<String> problems) {
        return integer(node, field, fallback, min, max, problems, field);
    }

    private static int integer(JsonNode node, String field, int fallback, int min, int max, List<String> problems,
            String name) {
        JsonNode v = node.get(field);
        if (!present(v)) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            problems.add("field '" + name + "' must be an integer between " + min + " and " + max + ", got " + show(v));
            return fallback;
        }
        return v.intValue();
    }

    private static String text(JsonNode node, String field, String fallback, Pattern format, List<String> problems) {
        JsonNode v = node.get(field);
        if (!present(v)) {
            return fallback;
        }
        if (!v.isTextual() || !format.matcher(v.textValue()).matches()) {
            problems.add("field '" + field + "' must be a string matching " + format + ", got " + show(v));
            return fallback;
        }
        return v.textValue();
    }

    static boolean present(JsonNode v) {
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    static String show(JsonNode node) {
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
