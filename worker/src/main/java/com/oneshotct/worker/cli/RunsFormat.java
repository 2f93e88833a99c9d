package com.oneshotct.worker.cli;

import com.oneshotct.db.BestRun;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.ClassRates;
import com.oneshotct.db.ConfusionMatrix;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.Metric;
import com.oneshotct.db.MetricPoint;
import com.oneshotct.db.ModelVersion;
import com.oneshotct.db.Run;
import com.oneshotct.db.RunComparison;
import com.oneshotct.db.RunDetail;
import com.oneshotct.db.RunSummary;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.model.infer.ApProtocol;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** Plain-text renderings of the audit queries, for a terminal: aligned columns, '-' for nothing recorded. */
final class RunsFormat {

    /** A curve longer than this is thinned to evenly spaced iterations (first and last kept); --json has all. */
    static final int CURVE_ROWS = 20;

    private static final String NL = System.lineSeparator();

    private RunsFormat() {
    }

    static String list(List<RunSummary> runs) {
        if (runs.isEmpty()) {
            return "no runs match" + NL;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("RUN", "STATUS", "BACKBONE", "DATASET", "CREATED", "STAGE", "ITER", "CKPTS", "FAILED",
                "BEST_WF1", "BEST_MAP", "VAL_WF1", "VAL_MAP"));
        for (RunSummary s : runs) {
            rows.add(List.of(s.workflowId(), s.status().sql(), s.backbone(), s.datasetName(), text(s.createdAt()),
                    s.currentStage() == null ? "-" : s.currentStage().sql(), text(s.lastIteration()),
                    String.valueOf(s.checkpoints()), String.valueOf(s.failedAttempts()), num(s.bestWeightedF1()),
                    num(s.bestMap()), num(s.bestValWeightedF1()), num(s.bestValMap())));
        }
        return table(rows);
    }

    static String show(RunDetail d) {
        Run r = d.run();
        RunSummary s = d.summary();
        StringBuilder b = new StringBuilder();
        b.append("run ").append(r.workflowId()).append("  ").append(r.status().sql()).append(NL);
        field(b, "temporal run", r.temporalRunId());
        field(b, "backbone", r.backbone());
        field(b, "dataset", r.datasetName() + d.dataset().map(x -> " (id " + x.id() + ", " + x.fileCount()
                + " files, " + x.totalBytes() + " bytes, splits " + new TreeMap<>(x.splitSizes()) + ")")
                .orElse(r.datasetId() == null ? " (content not fetched yet)" : " (id " + r.datasetId() + ")"));
        field(b, "code version", r.codeVersion());
        field(b, "config hash", r.configHash());
        field(b, "created", text(r.createdAt()));
        field(b, "started", text(r.startedAt()));
        field(b, "ended", text(r.endedAt()) + (s.durationSeconds() == null ? ""
                : "  (" + seconds(s.durationSeconds()) + ")"));
        if (r.error() != null) {
            field(b, "error", r.error());
        }
        field(b, "request", r.requestJson());

        b.append(NL).append("stages").append(NL);
        if (d.attempts().isEmpty()) {
            b.append("  (no attempt recorded)").append(NL);
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<Stage, List<StageAttempt>> e : d.stages().entrySet()) {
            for (StageAttempt a : e.getValue()) {
                rows.add(List.of(a.attempt() == 1 ? e.getKey().sql() : "", "#" + a.attempt(),
                        a.outcome() == null ? "running" : a.outcome().sql(), a.workerIdentity() + " @ "
                                + a.taskQueue(), text(a.startedAt()),
                        a.endedAt() == null ? "" : seconds(Duration.between(a.startedAt(), a.endedAt())
                                .toMillis() / 1000.0),
                        a.errorClass() == null ? "" : a.errorClass() + ": " + a.errorMessage()));
                if (a.note() != null) {
                    for (String line : a.note().split("\n")) {
                        notes.add(e.getKey().sql() + " #" + a.attempt() + ": " + line);
                    }
                }
            }
        }
        indent(b, rows);
        // the attempts' own accounts (a checkpoint skipped as corrupt, where training resumed), below the table so
        // that a long line does not widen its columns
        for (String n : notes) {
            b.append("  note ").append(n).append(NL);
        }

        b.append(NL).append(curve(d.curve()));

        b.append(NL).append("checkpoints (").append(d.checkpoints().size()).append(")").append(NL);
        rows = new ArrayList<>();
        Long latest = d.latest().map(Checkpoint::id).orElse(null);
        for (Checkpoint k : d.checkpoints()) {
            rows.add(List.of(latest != null && k.id() == latest ? "latest" : "",
                    "iter " + k.iteration(), "attempt " + k.attempt(), k.objectKey(), k.sha256(), k.bytes() + " B"));
        }
        indent(b, rows);

        List<Evaluation> validations = d.evaluations().stream().filter(Evaluation::validation).toList();
        if (!validations.isEmpty()) {
            b.append(NL).append(validation(validations, d.modelVersions()));
        }
        List<Evaluation> tests = d.evaluations().stream().filter(e -> !e.validation()).toList();
        b.append(NL).append("evaluations (").append(tests.size()).append(")").append(NL);
        for (Evaluation e : tests) {
            b.append(evaluation(e));
        }

        if (!d.modelVersions().isEmpty()) {
            b.append(NL).append("model versions").append(NL);
            rows = new ArrayList<>();
            for (ModelVersion v : d.modelVersions()) {
                rows.add(List.of(v.name(), "v" + v.version(), v.alias() == null ? "" : v.alias(),
                        "iter " + v.iteration(), v.objectKey()));
            }
            indent(b, rows);
        }
        return b.toString();
    }

    static String compare(RunComparison c) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("", "FIELD"));
        header.addAll(c.workflowIds());
        rows.add(header);
        for (RunComparison.Row r : c.rows()) {
            List<String> row = new ArrayList<>(List.of(r.differs() ? "*" : "", r.field()));
            // request parameters as given (a learning rate of 1e-5 must not print as 0.0000); measurements rounded
            boolean verbatim = r.field().startsWith("request.");
            for (Object v : r.values()) {
                row.add(v instanceof Double x && !verbatim ? num(x) : v == null ? "-" : v.toString());
            }
            rows.add(row);
        }
        return table(rows);
    }

    static String best(Metric metric, String split, Optional<BestRun> best) {
        String on = split == null ? "" : " on split " + split;
        if (best.isEmpty()) {
            return "no evaluation" + on + " has " + metric.sql() + NL;
        }
        BestRun b = best.get();
        Evaluation e = b.evaluation();
        String protocol = metric.isAp() ? " (" + apProtocol(e.scores()) + ")" : "";
        return "best " + metric.sql() + on + ": " + num(b.value()) + protocol + "  run " + b.run().workflowId() + " ("
                + b.run().status().sql() + ", " + b.run().backbone() + ", dataset " + b.run().datasetName() + ")"
                + NL + "  checkpoint iter " + e.checkpointIteration() + "  " + e.checkpointKey() + "  split "
                + e.scores().split() + NL;
    }

    /** The curve as a table, one column per loss; long curves thinned to {@link #CURVE_ROWS} iterations. */
    static String curve(List<MetricPoint> points) {
        TreeMap<Integer, Map<String, MetricPoint>> byIteration = new TreeMap<>();
        TreeSet<String> losses = new TreeSet<>();
        for (MetricPoint p : points) {
            byIteration.computeIfAbsent(p.iteration(), k -> new TreeMap<>()).put(p.lossName(), p);
            losses.add(p.lossName());
        }
        StringBuilder b = new StringBuilder("metric curve (" + points.size() + " points, " + byIteration.size()
                + " iterations");
        List<Integer> iterations = new ArrayList<>(byIteration.keySet());
        List<Integer> shown = thin(iterations, CURVE_ROWS);
        if (shown.size() < iterations.size()) {
            b.append("; showing ").append(shown.size()).append(", --json has all");
        }
        b.append(")").append(NL);
        if (iterations.isEmpty()) {
            return b.toString();
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("ITER", "EPOCH"));
        header.addAll(losses);
        rows.add(header);
        for (int it : shown) {
            Map<String, MetricPoint> at = byIteration.get(it);
            List<String> row = new ArrayList<>(List.of(String.valueOf(it),
                    String.valueOf(at.values().iterator().next().epoch())));
            for (String loss : losses) {
                row.add(at.containsKey(loss) ? num(at.get(loss).value()) : "-");
            }
            rows.add(row);
        }
        indent(b, rows);
        return b.toString();
    }

    /** {@code n} evenly spaced elements of {@code all}, first and last included; all of them when they fit. */
    static List<Integer> thin(List<Integer> all, int n) {
        if (all.size() <= n) {
            return all;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(all.get((int) Math.round((double) i * (all.size() - 1) / (n - 1))));
        }
        return out;
    }

    /**
     * The checkpoints scored while the run trained, one line each, the chosen one (the model version aliased
     * {@code best}) marked; which images they were, once below.
     */
    static String validation(List<Evaluation> validations, List<ModelVersion> versions) {
        StringBuilder b = new StringBuilder("validation (").append(validations.size())
                .append(" checkpoints scored while training)").append(NL);
        java.util.Set<Long> best = new java.util.HashSet<>();
        for (ModelVersion v : versions) {
            if (v.hasAlias("best")) {
                best.add(v.checkpointId());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("", "ITER", "IMAGES", "ACCURACY", "WEIGHTED_F1", "AP50", "MAP", "COCO_AP"));
        for (Evaluation e : validations) {
            EvaluationScores s = e.scores();
            rows.add(List.of(best.contains(e.checkpointId()) ? "best" : "", String.valueOf(e.checkpointIteration()),
                    String.valueOf(s.imageCount()), num(s.accuracy()), num(s.weightedF1()), num(s.ap50()),
                    num(s.map()), num(s.cocoAp())));
        }
        indent(b, rows);
        validations.stream().map(Evaluation::imagesFrom).filter(java.util.Objects::nonNull).distinct()
                .forEach(f -> b.append("  images: ").append(f).append(NL));
        return b.toString();
    }

    private static String evaluation(Evaluation e) {
        EvaluationScores s = e.scores();
        ConfusionMatrix m = s.confusionMatrix();
        StringBuilder b = new StringBuilder();
        b.append("  iter ").append(e.checkpointIteration()).append("  split ").append(s.split()).append("  ")
                .append(s.imageCount()).append(" images  AP labels ").append(String.join(",", s.apLabels()))
                .append(NL);
        b.append("    accuracy ").append(num(s.accuracy())).append("  weighted F1 ").append(num(s.weightedF1()))
                .append("  macro F1 ").append(num(s.macroF1())).append(NL);
        b.append("    sensitivity ").append(rates(s.sensitivity())).append("  precision ")
                .append(rates(s.precision())).append(NL);
        b.append("    paper AP50 ").append(num(s.ap50())).append("  AP75 ").append(num(s.ap75())).append("  mAP ")
                .append(num(s.map())).append("  COCO AP ").append(num(s.cocoAp())).append("  AP50 ")
                .append(num(s.cocoAp50())).append("  AP75 ").append(num(s.cocoAp75())).append("  (")
                .append(apProtocol(s)).append(")").append(NL);
        b.append("    confusion (rows true, cols predicted: Normal CP COVID)");
        for (int t = 0; t < ConfusionMatrix.CLASSES; t++) {
            b.append(t == 0 ? " " : " / ");
            for (int p = 0; p < ConfusionMatrix.CLASSES; p++) {
                b.append(p == 0 ? "" : " ").append(m.get(t, p));
            }
        }
        return b.append(NL).toString();
    }

    /** The detections that took part in AP, as {@code ApProtocol} prints them. */
    static String apProtocol(EvaluationScores s) {
        return new ApProtocol(s.apMaxDetections(), s.apScoreThreshold()).toString();
    }

    private static String rates(ClassRates r) {
        return "Normal " + num(r.normal()) + " CP " + num(r.cp()) + " COVID " + num(r.covid());
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append("  ").append(String.format(Locale.ROOT, "%-14s", name)).append(value == null ? "-" : value)
                .append(NL);
    }

    private static void indent(StringBuilder b, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        for (String line : table(rows).split(NL)) {
            b.append("  ").append(line).append(NL);
        }
    }

    /** Left-aligned columns two spaces apart, trailing spaces trimmed. */
    static String table(List<List<String>> rows) {
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[cols];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(String.format(Locale.ROOT, "%-" + Math.max(1, width[i]) + "s", r.get(i)));
                line.append(i + 1 < r.size() ? "  " : "");
            }
            b.append(line.toString().stripTrailing()).append(NL);
        }
        return b.toString();
    }

    static String num(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String text(Object v) {
        return v == null ? "-" : v.toString();
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    static String text(Instant t) {
        return t == null ? "-" : t.toString();
    }
}
