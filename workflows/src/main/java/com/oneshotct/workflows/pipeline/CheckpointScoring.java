package com.oneshotct.workflows.pipeline;

import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.ValidateResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The workflow's book of checkpoint validations: which checkpoints are due, at most {@code concurrency} scorings
 * running at once (lowest iteration first), their results, the best so far and whether training has stopped
 * improving. Workflow code: no I/O; {@code launch} schedules the activity and returns its promise.
 *
 * <p>The best is the highest value of the selection metric, the earliest checkpoint on a tie (a later equal score
 * is no improvement). Early stop looks only at the longest run of checkpoints, from the first, whose scorings have
 * all ended, so a late result that improves cannot have been skipped over.
 */
final class CheckpointScoring {
    /** One checkpoint's scoring: running (result and error null), scored, or failed for good. */
    private record Entry(CheckpointRef checkpoint, ValidateResult result, String error) {
        boolean ended() {
            return result != null || error != null;
        }
    }

    private final Validation settings;
    private final int checkpointInterval;
    private final Function<CheckpointRef, Promise<ValidateResult>> launch;
    private final Set<Long> seen = new HashSet<>();
    private final TreeMap<Integer, List<CheckpointRef>> queue = new TreeMap<>();
    private final Map<Long, Promise<ValidateResult>> running = new LinkedHashMap<>();
    private final Map<Long, Entry> entries = new LinkedHashMap<>();
    private String metric;
    private boolean closed;

    CheckpointScoring(Validation settings, int checkpointInterval,
            Function<CheckpointRef, Promise<ValidateResult>> launch) {
        this.settings = settings;
        this.checkpointInterval = Math.max(1, checkpointInterval);
        this.launch = launch;
    }

    /**
     * Takes a checkpoint the run recorded, once; {@code always} for the final one, which is a candidate whatever
     * its number. Returns whether it was queued. Ignored once the selection is made.
     */
    boolean offer(CheckpointRef c, boolean always) {
        if (closed || c == null || c.id() <= 0 || seen.contains(c.id())) {
            return false;
        }
        if (!always && !due(c.iteration())) {
            return false;
        }
        seen.add(c.id());
        queue.computeIfAbsent(c.iteration(), k -> new ArrayList<>()).add(c);
        return true;
    }

    /** Whether the checkpoint at {@code iteration} is one of every {@code every}-th. */
    boolean due(int iteration) {
        int number = iteration / checkpointInterval;
        return iteration % checkpointInterval == 0 && number % settings.every() == 0;
    }

    /** Whether {@link #pump} has something to do: a result to collect or a free slot and a queued checkpoint. */
    boolean ready() {
        if (running.size() < settings.concurrency() && !queue.isEmpty()) {
            return true;
        }
        return running.values().stream().anyMatch(Promise::isCompleted);
    }

    /** Collects ended scorings, then starts queued ones while slots are free. */
    void pump() {
        for (Long id : new ArrayList<>(running.keySet())) {
            Promise<ValidateResult> p = running.get(id);
            if (!p.isCompleted()) {
                continue;
            }
            running.remove(id);
            CheckpointRef c = entries.get(id).checkpoint();
            try {
                ValidateResult r = p.get();
                if (metric == null) {
                    metric = settings.metricFor(r.classificationImages() > 0);
                }
                entries.put(id, new Entry(c, r, null));
            } catch (ActivityFailure f) {
                if (Failures.isCancel(f)) {
                    throw f;
                }
                entries.put(id, new Entry(c, null, Failures.describe(ProgressTracker.VALIDATE, f)));
            }
        }
        while (running.size() < settings.concurrency() && !queue.isEmpty()) {
            Map.Entry<Integer, List<CheckpointRef>> first = queue.firstEntry();
            CheckpointRef c = first.getValue().remove(0);
            if (first.getValue().isEmpty()) {
                queue.remove(first.getKey());
            }
            entries.put(c.id(), new Entry(c, null, null));
            running.put(c.id(), launch.apply(c));
        }
    }

    /** Whether scorings are queued or running. */
    boolean busy() {
        return !queue.isEmpty() || !running.isEmpty();
    }

    /** No more offers: the selection is being made. */
    void close() {
        closed = true;
    }

    String metric() {
        return metric;
    }

    /** The best scored checkpoint, or null when none was scored. */
    CheckpointRef best() {
        Entry b = best(scored());
        return b == null ? null : b.checkpoint();
    }

    /** The best checkpoint's scores, or null. */
    ValidateResult bestResult() {
        Entry b = best(scored());
        return b == null ? null : b.result();
    }

    int scoredCount() {
        return scored().size();
    }

    int failedCount() {
        return (int) entries.values().stream().filter(e -> e.error() != null).count();
    }

    /** The first failure's description, or null. */
    String firstError() {
        return entries.values().stream().map(Entry::error).filter(e -> e != null).findFirst().orElse(null);
    }

    /**
     * Whether training should stop: early stop is on and, among the checkpoints whose scorings all ended from the
     * first on, {@code earlyStop} scored ones follow the best.
     */
    boolean stale() {
        return settings.earlyStop() > 0 && sinceBest(settledPrefix()) >= settings.earlyStop();
    }

    ValidationProgress snapshot() {
        Map<Integer, Double> scores = new TreeMap<>();
        for (Entry e : scored()) {
            if (Double.isFinite(value(e))) {
                scores.put(e.checkpoint().iteration(), value(e));
            }
        }
        Entry b = best(scored());
        int queued = queue.values().stream().mapToInt(List::size).sum();
        return new ValidationProgress(metric, scores, running.size(), queued, failedCount(),
                b == null ? 0 : b.checkpoint().iteration(), b == null || !Double.isFinite(value(b)) ? 0 : value(b),
                sinceBest(settledPrefix()));
    }

    private List<Entry> scored() {
        return entries.values().stream().filter(e -> e.result() != null)
                .sorted(Comparator.comparingInt((Entry e) -> e.checkpoint().iteration())).toList();
    }

    /** The scored entries of the longest run, in iteration order from the first, of checkpoints all ended. */
    private List<Entry> settledPrefix() {
        List<Entry> all = new ArrayList<>(entries.values());
        all.sort(Comparator.comparingInt((Entry e) -> e.checkpoint().iteration()));
        int firstQueued = queue.isEmpty() ? Integer.MAX_VALUE : queue.firstKey();
        List<Entry> out = new ArrayList<>();
        for (Entry e : all) {
            if (!e.ended() || e.checkpoint().iteration() > firstQueued) {
                break;
            }
            if (e.result() != null) {
                out.add(e);
            }
        }
        return out;
    }

    private int sinceBest(List<Entry> inOrder) {
        Entry b = best(inOrder);
        if (b == null) {
            return 0;
        }
        return (int) inOrder.stream().filter(e -> e.checkpoint().iteration() > b.checkpoint().iteration()).count();
    }

    private Entry best(List<Entry> inOrder) {
        Entry best = null;
        for (Entry e : inOrder) {
            if (best == null || value(e) > value(best)) {
                best = e;
            }
        }
        return best;
    }

    private double value(Entry e) {
        Double v = e.result().metrics().get(metric);
        return v == null || v.isNaN() ? Double.NEGATIVE_INFINITY : v;
    }
}
