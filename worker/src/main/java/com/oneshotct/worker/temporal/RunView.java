package com.oneshotct.worker.temporal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.workflows.pipeline.PipelineProgress;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.ValidationProgress;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code oneshot run status} shows of one run: Temporal's view of the execution, and the pipeline's own
 * (its {@code progress} query while it runs, its result once it completed, its failure once it failed).
 *
 * @param state Temporal's execution status without its prefix: RUNNING, COMPLETED, FAILED, TERMINATED, ...
 * @param progress the progress query's answer, or null (not running, or the query failed: see progressError)
 * @param progressError why a running run's progress is unknown (e.g. no worker serves its task queue), else null
 * @param result the pipeline's result when COMPLETED, else null
 * @param failure the failure that ended it when FAILED (or TERMINATED, TIMED_OUT, ...), else null
 */
public record RunView(String workflowId, String runId, String state, String taskQueue, Instant startTime,
                      Instant closeTime, PipelineProgress progress, String progressError, PipelineResult result,
                      String failure) {

    /** A block for people: one {@code label value} line per known fact. */
    public void print(PrintWriter out) {
        line(out, "run", workflowId + (runId == null ? "" : " (Temporal run " + runId + ")"));
        line(out, "state", state);
        if (taskQueue != null) {
            line(out, "task queue", taskQueue);
        }
        if (startTime != null) {
            line(out, "started", startTime.toString());
        }
        if (closeTime != null) {
            line(out, "ended", closeTime.toString());
        }
        if (progress != null) {
            PipelineProgress p = progress;
            line(out, "stage", p.stage() + " (" + p.status() + ")");
            line(out, "iteration", p.iteration() + " / " + p.total()
                    + String.format(Locale.ROOT, " (epoch %.2f)", p.epoch()));
            if (p.losses() != null && !p.losses().isEmpty()) {
                line(out, "losses", p.losses().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", e.getValue()))
                        .collect(Collectors.joining(", ")));
            }
            line(out, "checkpoint", p.latestCheckpoint() == null ? "none yet" : p.latestCheckpoint());
            if (p.attempts() != null && !p.attempts().isEmpty()) {
                line(out, "attempts", p.attempts().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
            }
            line(out, "eta", p.etaSeconds() < 0 ? "unknown" : duration(p.etaSeconds()));
            if (p.validation() != null) {
                line(out, "validation", validation(p.validation()));
            }
            if (p.waitingFor() != null) {
                line(out, "waiting on", p.waitingFor());
                out.println("  (oneshot run retry " + workflowId + " runs the stage again; oneshot run abort "
                        + workflowId + " gives up)");
            }
        } else if (progressError != null) {
            line(out, "progress", "unknown: " + progressError);
        }
        if (result != null) {
            line(out, "outcome", result.status() + (result.message() == null ? "" : ": " + result.message()));
            line(out, "iterations", String.valueOf(result.iterations()));
            if (result.checkpoint() != null) {
                line(out, "checkpoint", result.checkpoint().objectKey());
            }
            if (result.validation() != null) {
                line(out, "validation", validation(result.validation()));
            }
            if (result.modelName() != null) {
                line(out, "model", result.modelName() + " v" + result.modelVersion());
            }
            if (result.metrics() != null) {
                result.metrics().forEach((split, m) -> line(out, "metrics " + split, m.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", e.getValue()))
                        .collect(Collectors.joining(", "))));
            }
        }
        if (failure != null) {
            line(out, "failure", failure);
        }
    }

    /** The same facts as one JSON object (absent ones as null). */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("workflowId", workflowId);
        o.put("runId", runId);
        o.put("state", state);
        o.put("taskQueue", taskQueue);
        o.put("startTime", startTime == null ? null : startTime.toString());
        o.put("closeTime", closeTime == null ? null : closeTime.toString());
        o.set("progress", json.valueToTree(progress));
        o.put("progressError", progressError);
        o.set("result", json.valueToTree(result));
        o.put("failure", failure);
        return o;
    }

    /** {@code 5 scored (1 running, 2 queued), best iteration 40: weighted_f1 0.6120 (2 since)}. */
    static String validation(ValidationProgress v) {
        StringBuilder b = new StringBuilder().append(v.scores().size()).append(" scored");
        if (v.running() + v.queued() > 0) {
            b.append(" (").append(v.running()).append(" running, ").append(v.queued()).append(" queued)");
        }
        if (v.failed() > 0) {
            b.append(", ").append(v.failed()).append(" failed");
        }
        if (v.metric() != null && !v.scores().isEmpty()) {
            b.append(", best iteration ").append(v.bestIteration()).append(": ").append(v.metric())
                    .append(String.format(Locale.ROOT, " %.4f", v.best()));
            if (v.sinceBest() > 0) {
                b.append(" (").append(v.sinceBest()).append(" since)");
            }
        }
        return b.toString();
    }

    /** Whole seconds as {@code 1h 02m 03s}, {@code 4m 05s} or {@code 6s}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, s % 3600 / 60, s % 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + "s";
    }

    private static void line(PrintWriter out, String label, String value) {
        out.printf("%-12s %s%n", label, value);
    }
}
