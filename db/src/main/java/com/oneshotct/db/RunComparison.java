package com.oneshotct.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Runs side by side: one {@link Row} per property, one value per run (null where a run has none), and whether the
 * runs differ on it. Request parameters appear flattened ({@code request.solver.lr}); final losses as
 * {@code loss.<name>}; the evaluation of each run's newest evaluated checkpoint per split as
 * {@code eval.<split>.<metric>}.
 */
public record RunComparison(List<String> workflowIds, List<Row> rows) {

    /** One property across the runs; {@code values} may hold nulls. */
    public record Row(String field, List<Object> values, boolean differs) {

        public Row {
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }
    }

    public RunComparison {
        workflowIds = List.copyOf(workflowIds);
        rows = List.copyOf(rows);
    }

    public Row row(String field) {
        return rows.stream().filter(r -> r.field().equals(field)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row '" + field + "' in this comparison"));
    }

    static RunComparison of(List<RunDetail> runs) {
        List<Row> rows = new ArrayList<>();
        Adder add = (field, f) -> {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                values.add(f.apply(i));
            }
            boolean differs = values.stream().anyMatch(v -> !Objects.equals(v, values.get(0)));
            rows.add(new Row(field, values, differs));
        };
        IntFunction<RunSummary> s = i -> runs.get(i).summary();
        IntFunction<Run> r = i -> runs.get(i).run();
        add.row("status", i -> s.apply(i).status().sql());
        add.row("backbone", i -> r.apply(i).backbone());
        add.row("dataset", i -> r.apply(i).datasetName());
        add.row("dataset_id", i -> r.apply(i).datasetId());
        add.row("code_version", i -> r.apply(i).codeVersion());
        add.row("config_hash", i -> r.apply(i).configHash());
        add.row("created_at", i -> r.apply(i).createdAt().toString());
        add.row("duration_s", i -> s.apply(i).durationSeconds());
        add.row("attempts", i -> s.apply(i).attempts());
        add.row("failed_attempts", i -> s.apply(i).failedAttempts());
        add.row("last_iteration", i -> s.apply(i).lastIteration());
        add.row("checkpoints", i -> s.apply(i).checkpoints());
        add.row("latest_checkpoint_iteration", i -> s.apply(i).latestCheckpointIteration());

        List<Map<String, Object>> requests = runs.stream().map(RunComparison::flatRequest).toList();
        for (String k : union(requests)) {
            add.row("request." + k, i -> requests.get(i).get(k));
        }
        List<Map<String, Double>> losses = runs.stream().map(RunComparison::finalLosses).toList();
        for (String n : union(losses)) {
            add.row("loss." + n, i -> losses.get(i).get(n));
        }
        List<Map<String, Evaluation>> evals = runs.stream().map(RunComparison::newestPerSplit).toList();
        for (String split : union(evals)) {
            IntFunction<Evaluation> ev = i -> evals.get(i).get(split);
            String p = "eval." + split + ".";
            add.row(p + "checkpoint_iteration", i -> ev.apply(i) == null ? null : ev.apply(i).checkpointIteration());
            for (Metric m : Metric.values()) {
                add.row(p + m.sql(), i -> ev.apply(i) == null ? null : ev.apply(i).scores().value(m));
            }
            // AP figures compare only under one protocol: a '*' here says they do not
            add.row(p + "ap_max_detections", i -> ev.apply(i) == null ? null : ev.apply(i).scores().apMaxDetections());
            add.row(p + "ap_score_threshold", i -> ev.apply(i) == null ? null
                    : ev.apply(i).scores().apScoreThreshold());
        }
        return new RunComparison(runs.stream().map(d -> d.run().workflowId()).toList(), rows);
    }

    @FunctionalInterface
    private interface Adder {
        void row(String field, IntFunction<Object> valueOfRun);
    }

    private static SortedSet<String> union(List<? extends Map<String, ?>> maps) {
        SortedSet<String> keys = new TreeSet<>();
        maps.forEach(m -> keys.addAll(m.keySet()));
        return keys;
    }

    /** The request's leaves by dotted path; arrays stay whole, as JSON text. */
    private static Map<String, Object> flatRequest(RunDetail d) {
        Map<String, Object> out = new TreeMap<>();
        try {
            flatten("", Rows.JSON.readTree(d.run().requestJson()), out);
        } catch (JsonProcessingException e) {
            throw new RegistryException("request of run '" + d.run().workflowId() + "' is not JSON", e);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isNumber()) {
            out.put(prefix, node.numberValue());
        } else if (node.isBoolean()) {
            out.put(prefix, node.booleanValue());
        } else if (node.isTextual()) {
            out.put(prefix, node.textValue());
        } else if (!node.isNull()) {
            out.put(prefix, node.toString());
        }
    }

    /** Each loss's value at the last iteration it was recorded. */
    private static Map<String, Double> finalLosses(RunDetail d) {
        Map<String, Double> out = new TreeMap<>();
        for (MetricPoint p : d.curve()) { // ordered by iteration, so the last write wins
            out.put(p.lossName(), p.value());
        }
        return out;
    }

    /** Per split, the evaluation of the newest checkpoint evaluated on it. */
    private static Map<String, Evaluation> newestPerSplit(RunDetail d) {
        Map<String, Evaluation> out = new TreeMap<>();
        for (Evaluation e : d.evaluations()) { // ordered by checkpoint iteration
            out.put(e.scores().split(), e);
        }
        return out;
    }
}
