package com.oneshotct.worker.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.ClassRates;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.Run;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.infer.Overlay;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The report as one self-contained HTML page: inline CSS, no external resource but the PNG files beside it, every
 * text from the registry or the dataset escaped. A small inline script counts the images that loaded into
 * {@code body[data-images-loaded]} (beside {@code data-images}, how many there are), for a headless browser check.
 */
public final class ReportPage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STYLE = "body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}"
            + "table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:4px 8px;"
            + "text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}"
            + "th{background:#f2f2f2}img{max-width:100%;border:1px solid #ddd}figure{margin:12px 0}"
            + "figcaption{font-size:90%;color:#444}.warn{color:#a40000;font-weight:bold}.ok{color:#1a6b1a}";
    private static final String SCRIPT = "window.addEventListener('load',function(){var n=0,i=document.images;"
            + "for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0){n++;}}"
            + "document.body.dataset.images=i.length;document.body.dataset.imagesLoaded=n;});";

    /** The PNG files the page shows, as names relative to it; null where a figure is missing. */
    public record Figures(String loss, String validation, String confusion, String sensitivity, String ap,
            List<String> overlays) {
        public Figures {
            overlays = List.copyOf(overlays);
        }
    }

    private ReportPage() {}

    public static String html(ReportInputs in, Figures f) {
        Run run = in.run();
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>OneShot CT run ")
                .append(escape(run.workflowId())).append("</title>\n<style>").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n<h1>Run ").append(escape(run.workflowId())).append("</h1>\n");
        header(b, in);
        attempts(b, in.attempts());
        b.append("<h2>Training losses</h2>\n");
        image(b, f.loss(), "training losses by iteration");
        if (f.validation() != null) {
            b.append("<h2>Validation while training</h2>\n<p>Each checkpoint scored on the validation images by the CPU"
                    + " workers while training went on; the dashed line is the checkpoint the run chose, tested and"
                    + " registered.</p>\n");
            image(b, f.validation(), "validation scores by checkpoint iteration");
        }
        evaluations(b, in.evaluations().stream().filter(e -> !e.validation()).toList());
        confusion(b, in.focus(), f);
        apSection(b, in, f.ap());
        overlays(b, in, f.overlays());
        if (!in.notes().isEmpty()) {
            b.append("<h2>Notes</h2>\n<ul id=\"notes\">\n");
            in.notes().forEach(n -> b.append("<li>").append(escape(n)).append("</li>\n"));
            b.append("</ul>\n");
        }
        b.append("<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    /** Text made safe for HTML element content and quoted attribute values. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A rate or score as the page prints it: 4 decimals, "n/a" for an undefined one. */
    public static String number(Double v) {
        return v == null || !Double.isFinite(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static void header(StringBuilder b, ReportInputs in) {
        Run run = in.run();
        JsonNode request = request(run);
        b.append("<table id=\"run\">\n");
        row(b, "workflow id", run.workflowId());
        row(b, "status", run.status().sql() + (run.error() == null ? "" : ": " + run.error()));
        row(b, "backbone", run.backbone());
        row(b, "image size", request.has("imageSize") ? request.get("imageSize").asText() + " px" : "unknown");
        row(b, "iterations", request.has("iterations") ? request.get("iterations").asText() : "unknown");
        if (request.has("lr")) {
            String lr = request.get("lr").decimalValue().stripTrailingZeros().toPlainString();
            row(b, "learning rate, seed", lr + ", " + (request.has("seed") ? request.get("seed").asText() : "unknown"));
        }
        row(b, "dataset", run.datasetName() + (in.dataset() != null
                ? " (id " + in.dataset().id() + ", " + in.dataset().fileCount() + " files)"
                : run.datasetId() != null ? " (id " + run.datasetId() + ")" : " (not fetched)"));
        row(b, "created", time(run.createdAt()));
        row(b, "ended", run.endedAt() == null ? "not ended" : time(run.endedAt()));
        Checkpoint k = in.checkpoint();
        row(b, "checkpoint used", k == null ? "none"
                : "iteration " + k.iteration() + " (attempt " + k.attempt() + "), sha256 " + k.sha256().substring(0,
                Math.min(12, k.sha256().length())) + "..., " + k.objectKey());
        b.append("</table>\n");
    }

    private static void attempts(StringBuilder b, List<StageAttempt> attempts) {
        b.append("<h2>Stage attempts</h2>\n");
        if (attempts.isEmpty()) {
            b.append("<p>No stage was attempted.</p>\n");
            return;
        }
        b.append("<table id=\"attempts\">\n<tr><th>stage</th><th>attempt</th><th>worker</th><th>outcome</th>"
                + "<th>error</th><th>note</th></tr>\n");
        for (StageAttempt a : attempts) {
            String error = a.errorClass() == null && a.errorMessage() == null ? ""
                    : (a.errorClass() == null ? "" : a.errorClass() + ": ") + (a.errorMessage() == null ? ""
                    : a.errorMessage());
            b.append("<tr>");
            cell(b, a.stage().sql());
            b.append("<td class=\"n\">").append(a.attempt()).append("</td>");
            cell(b, a.workerIdentity());
            cell(b, a.running() ? "running" : a.outcome().sql());
            cell(b, error);
            cell(b, a.note() == null ? "" : a.note());
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private static void evaluations(StringBuilder b, List<Evaluation> evals) {
        b.append("<h2>Evaluation</h2>\n");
        if (evals.isEmpty()) {
            b.append("<p>The registry holds no evaluation of this run.</p>\n");
            return;
        }
        b.append("<table id=\"evaluations\">\n<tr><th>metric</th>");
        for (Evaluation e : evals) {
            b.append("<th>").append(escape(e.scores().split())).append(" @ iteration ")
                    .append(e.checkpointIteration()).append("</th>");
        }
        b.append("</tr>\n");
        metric(b, evals, "images", "images", s -> (double) s.imageCount(), true);
        b.append("<tr><th>AP labels</th>");
        evals.forEach(e -> cell(b, String.join(", ", e.scores().apLabels())));
        b.append("</tr>\n<tr><th>AP detections</th>");
        evals.forEach(e -> cell(b, apProtocol(e.scores()).shortLabel()));
        b.append("</tr>\n");
        metric(b, evals, "accuracy", "accuracy", EvaluationScores::accuracy, false);
        metric(b, evals, "weighted_f1", "weighted F1", EvaluationScores::weightedF1, false);
        metric(b, evals, "macro_f1", "macro F1", EvaluationScores::macroF1, false);
        for (int c = 0; c < 3; c++) {
            int k = c;
            String cls = Overlay.className(c);
            metric(b, evals, "sensitivity_" + key(c), "sensitivity " + cls, s -> rate(s.sensitivity(), k), false);
            metric(b, evals, "precision_" + key(c), "precision " + cls, s -> rate(s.precision(), k), false);
        }
        metric(b, evals, "ap50", "AP@0.5", EvaluationScores::ap50, false);
        metric(b, evals, "ap75", "AP@0.75", EvaluationScores::ap75, false);
        metric(b, evals, "map", "mAP (0.50:0.95)", EvaluationScores::map, false);
        metric(b, evals, "coco_ap", "COCO mask AP", EvaluationScores::cocoAp, false);
        b.append("</table>\n");
    }

    static ApProtocol apProtocol(EvaluationScores s) {
        return new ApProtocol(s.apMaxDetections(), s.apScoreThreshold());
    }

    private static void confusion(StringBuilder b, Evaluation focus, Figures f) {
        b.append("<h2>Confusion matrix</h2>\n");
        if (focus == null) {
            b.append("<p>No evaluation, so no confusion matrix.</p>\n");
            return;
        }
        b.append("<p>Split ").append(escape(focus.scores().split())).append(", checkpoint iteration ")
                .append(focus.checkpointIteration()).append(": rows are true classes, columns predictions.</p>\n");
        b.append("<table id=\"confusion\">\n<tr><th>true \\ predicted</th>");
        for (int p = 0; p < 3; p++) {
            b.append("<th>").append(Overlay.className(p)).append("</th>");
        }
        b.append("</tr>\n");
        for (int t = 0; t < 3; t++) {
            b.append("<tr><th>").append(Overlay.className(t)).append("</th>");
            for (int p = 0; p < 3; p++) {
                b.append("<td class=\"n\" data-true=\"").append(t).append("\" data-predicted=\"").append(p)
                        .append("\">").append(focus.scores().confusionMatrix().get(t, p)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        image(b, f.confusion(), "confusion matrix heat map");
        b.append("<h2>Per-class sensitivity</h2>\n");
        image(b, f.sensitivity(), "per-class sensitivity bar chart");
    }

    private static void apSection(StringBuilder b, ReportInputs in, String png) {
        b.append("<h2>AP per IoU threshold</h2>\n");
        Reevaluation r = in.reevaluation();
        if (r == null || r.apAtThresholds().isEmpty()) {
            b.append("<p>Not measured (see the notes).</p>\n");
            return;
        }
        b.append("<p>The paper's per-image mask AP on split ").append(escape(r.split()))
                .append(", checkpoint iteration ").append(r.checkpointIteration())
                .append(", evaluated again by this report (").append(escape(r.protocol().toString()))
                .append(").</p>\n<table id=\"ap\">\n<tr><th>IoU</th>");
        for (int i = 0; i < r.apAtThresholds().size(); i++) {
            b.append(String.format(Locale.ROOT, "<th>%.2f</th>", Reevaluation.threshold(i)));
        }
        b.append("</tr>\n<tr><th>AP</th>");
        for (int i = 0; i < r.apAtThresholds().size(); i++) {
            b.append(String.format(Locale.ROOT, "<td class=\"n\" data-iou=\"%.2f\">", Reevaluation.threshold(i)))
                    .append(number(r.apAtThresholds().get(i))).append("</td>");
        }
        b.append("</tr>\n</table>\n");
        image(b, png, "AP per IoU threshold");
        Evaluation focus = in.focus();
        if (focus != null && r.scores() != null && focus.checkpointId() == idOf(in.checkpoint())
                && focus.scores().split().equals(r.split())) {
            List<String> diff = r.differences(focus.scores());
            b.append(diff.isEmpty()
                    ? "<p class=\"ok\" id=\"agreement\">This evaluation reproduces the registry's row exactly.</p>\n"
                    : "<p class=\"warn\" id=\"agreement\">This evaluation differs from the registry's row: "
                    + escape(String.join("; ", diff)) + "</p>\n");
        }
    }

    private static void overlays(StringBuilder b, ReportInputs in, List<String> files) {
        b.append("<h2>Test slices</h2>\n");
        if (files.isEmpty()) {
            b.append("<p>No slices (see the notes).</p>\n");
            return;
        }
        b.append("<p>Each picture: the prediction (left, with the predicted class and its probability) beside the"
                + " ground truth (right). Lung blue, GGO yellow, consolidation red. The prediction shows what"
                + " `oneshot predict` shows: " + escape(ApProtocol.DISPLAY.toString()) + ".</p>\n");
        for (int i = 0; i < files.size(); i++) {
            SliceOverlay o = in.overlays().get(i);
            b.append("<figure class=\"slice\">");
            image(b, files.get(i), "prediction and ground truth of slice " + o.name());
            b.append("<figcaption>").append(escape(o.caption())).append("</figcaption></figure>\n");
        }
    }

    private static void metric(StringBuilder b, List<Evaluation> evals, String key, String label,
                               Function<EvaluationScores, Double> value, boolean integer) {
        b.append("<tr><th>").append(escape(label)).append("</th>");
        for (Evaluation e : evals) {
            Double v = value.apply(e.scores());
            b.append("<td class=\"n\" data-metric=\"").append(key).append("\" data-split=\"")
                    .append(escape(e.scores().split())).append("\" data-iteration=\"")
                    .append(e.checkpointIteration()).append("\">")
                    .append(integer ? String.valueOf(v.longValue()) : number(v)).append("</td>");
        }
        b.append("</tr>\n");
    }

    private static void image(StringBuilder b, String file, String alt) {
        if (file == null) {
            b.append("<p>Not drawn (see the notes).</p>\n");
            return;
        }
        b.append("<img src=\"").append(escape(file)).append("\" alt=\"").append(escape(alt)).append("\">\n");
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append("<tr><th>").append(escape(label)).append("</th>");
        cell(b, value);
        b.append("</tr>\n");
    }

    private static void cell(StringBuilder b, String text) {
        b.append("<td>").append(escape(text)).append("</td>");
    }

    private static String key(int c) {
        return switch (c) {
            case 0 -> "normal";
            case 1 -> "cp";
            default -> "covid";
        };
    }

    private static Double rate(ClassRates r, int c) {
        return switch (c) {
            case 0 -> r.normal();
            case 1 -> r.cp();
            default -> r.covid();
        };
    }

    private static long idOf(Checkpoint k) {
        return k == null ? -1 : k.id();
    }

    private static String time(Instant t) {
        return t == null ? "unknown" : t.toString();
    }

    private static JsonNode request(Run run) {
        try {
            return run.requestJson() == null ? JSON.createObjectNode() : JSON.readTree(run.requestJson());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("run '" + run.workflowId() + "' has a request that is not JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
