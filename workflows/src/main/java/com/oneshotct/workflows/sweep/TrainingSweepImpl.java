package com.oneshotct.workflows.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.RunIds;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The sweep (see {@link TrainingSweep}). Children run on the sweep's own task queue unless the point's input names a
 * {@code cpuQueue} (the queue the pipeline's workers poll). The parent close policy is {@code REQUEST_CANCEL}: a sweep
 * that is cancelled or terminated cancels its running children, which checkpoint, record themselves aborted in the
 * registry and end, rather than being killed mid-write ({@code TERMINATE}) or left running unwatched
 * ({@code ABANDON}). The sweep and its points are recorded in the registry before the first child starts, and its
 * ending after the last (see {@link SweepLedger}).
 */
public class TrainingSweepImpl implements TrainingSweep {
    static final String PENDING = "pending";
    static final String RUNNING = "running";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String SKIPPED = "skipped";
    /** The leaderboard's metric when the input names none and a child has it: the paper's headline. */
    public static final String PAPER_METRIC = "weighted_f1";
    /** The leaderboard's metric when no child has {@link #PAPER_METRIC}: detection only. */
    public static final String DETECTION_METRIC = "ap50";

    private static final Logger log = Workflow.getLogger(TrainingSweepImpl.class);

    private String sweepId;
    private SweepInput in;
    private final List<SweepChild> children = new ArrayList<>();
    /** Started children not yet ended, by point index. */
    private final Map<Integer, TrainingPipeline> running = new LinkedHashMap<>();
    private final Map<Integer, Promise<?>> started = new LinkedHashMap<>();
    private int finished;
    private boolean stopRequested;
    private String abortReason;
    /** Whether the running children have been told of the stop or abort. */
    private boolean stopSent;
    private boolean abortSent;
    /** The sweep's final status once it ended, else null. */
    private String endStatus;
    /** The sweep's registry rows; null for a sweep started before the sweep wrote any. */
    private SweepLedger ledger;

    /** The child id of point {@code k}: {@code <sweepId>-<k>}, k zero-padded to three digits. */
    public static String childId(String sweepId, int k) {
        return String.format("%s-%03d", sweepId, k);
    }

    @Override
    public SweepResult run(JsonNode input) {
        sweepId = Workflow.getInfo().getWorkflowId();
        String idProblem = RunIds.problem(childId(sweepId, SweepInput.MAX_POINTS));
        if (idProblem != null) {
            throw ApplicationFailure.newNonRetryableFailure("sweep id '" + RunIds.printable(sweepId)
                    + "' does not make valid child run ids ('" + RunIds.printable(childId(sweepId, 1)) + "' ...): "
                    + idProblem, ErrorTypes.BAD_CONFIG);
        }
        try {
            in = SweepInput.parse(input);
        } catch (IllegalArgumentException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), ErrorTypes.BAD_CONFIG);
        }
        for (SweepInput.Point p : in.points()) {
            children.add(new SweepChild(p.k(), childId(sweepId, p.k()), p.values(), PENDING, Map.of(), null));
        }
        // A sweep started by earlier code has no marker here: replayed, it writes no rows, as it did not then.
        if (Workflow.getVersion(SweepLedger.CHANGE_ID, Workflow.DEFAULT_VERSION, 1) >= 1) {
            ledger = SweepLedger.register(sweepId, input, in);
        }
        try {
            runChildren();
        } catch (CanceledFailure c) {
            if (ledger != null) {
                // the sweep's own scope is cancelled, so its end is written from a detached one
                Workflow.newDetachedCancellationScope(() -> ledger.ended("cancelled")).run();
            }
            throw c;
        }
        endStatus = abortReason != null ? "aborted" : stopRequested ? "stopped" : "completed";
        if (ledger != null) {
            ledger.ended(endStatus);
        }
        String metric = metric();
        return new SweepResult(sweepId, endStatus, List.copyOf(children), metric, leaderboard(metric),
                abortReason == null ? null : "aborted by request: " + abortReason);
    }

    /** Starts the points in order, at most maxConcurrent at once, until all ran or a stop or abort came. */
    private void runChildren() {
        int next = 0;
        while (true) {
            if (abortReason != null && !abortSent) {
                abortSent = true;
                signalRunning(true);
            } else if (stopRequested && !stopSent) {
                stopSent = true;
                signalRunning(false);
            }
            boolean mayStart = !stopRequested && abortReason == null;
            while (mayStart && running.size() < in.maxConcurrent() && next < children.size()) {
                start(next++);
            }
            if (running.isEmpty() && (next == children.size() || !mayStart)) {
                break;
            }
            int runningNow = running.size();
            boolean stopSeen = stopRequested;
            boolean abortSeen = abortReason != null;
            Workflow.await(() -> running.size() < runningNow || stopRequested != stopSeen
                    || (abortReason != null) != abortSeen);
        }
        for (int i = next; i < children.size(); i++) {
            SweepChild c = children.get(i);
            children.set(i, new SweepChild(c.k(), c.workflowId(), c.values(), SKIPPED, Map.of(),
                    abortReason != null ? "never started: the sweep was aborted" : "never started: the sweep was stopped"));
        }
    }

    /** Starts point {@code i}'s child; its end is recorded by a callback, whatever the end. */
    private void start(int i) {
        SweepInput.Point p = in.points().get(i);
        JsonNode queue = p.input().get("cpuQueue");
        String taskQueue = queue != null && queue.isTextual() ? queue.textValue() : Workflow.getInfo().getTaskQueue();
        String id = childId(sweepId, p.k());
        TrainingPipeline child = Workflow.newChildWorkflowStub(TrainingPipeline.class, ChildWorkflowOptions.newBuilder()
                .setWorkflowId(id).setTaskQueue(taskQueue)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL).build());
        log.info("sweep {}: starting {} with {}", sweepId, id, p.values());
        Promise<PipelineResult> result = Async.function(child::run, (JsonNode) p.input());
        running.put(i, child);
        started.put(i, Workflow.getWorkflowExecution(child));
        set(i, RUNNING, Map.of(), null);
        result.handle((r, failure) -> {
            if (failure == null) {
                Map<String, Double> m = r.metrics() == null ? null : r.metrics().get(in.split());
                set(i, r.status(), m == null ? Map.of() : Map.copyOf(m), r.message());
            } else {
                log.warn("sweep {}: child {} failed: {}", sweepId, id, failure.getMessage());
                set(i, FAILED, Map.of(), describe(failure));
            }
            running.remove(i);
            finished++;
            return null;
        });
    }

    /** Tells every running child to stop (and, for an abort, to abort); a child that ended meanwhile is skipped. */
    private void signalRunning(boolean abort) {
        for (Map.Entry<Integer, TrainingPipeline> e : new ArrayList<>(running.entrySet())) {
            String id = children.get(e.getKey()).workflowId();
            try {
                started.get(e.getKey()).get(); // a signal needs the child to exist
                if (!running.containsKey(e.getKey())) {
                    continue;
                }
                // stop first: an abort alone would wait for training to finish before taking effect
                e.getValue().stop();
                if (abort) {
                    e.getValue().abort("sweep " + sweepId + " aborted: " + abortReason);
                }
            } catch (CanceledFailure c) {
                throw c;
            } catch (RuntimeException x) {
                log.warn("sweep {}: could not signal {}: {}", sweepId, id, x.getMessage());
            }
        }
    }

    private static String describe(Throwable failure) {
        Throwable t = failure instanceof ChildWorkflowFailure && failure.getCause() != null ? failure.getCause() : failure;
        String text = t.getMessage();
        if (t instanceof ApplicationFailure a) {
            text = a.getOriginalMessage() + " (" + a.getType() + ")";
        }
        return text;
    }

    private void set(int i, String status, Map<String, Double> metrics, String message) {
        SweepChild c = children.get(i);
        children.set(i, new SweepChild(c.k(), c.workflowId(), c.values(), status, metrics, message));
    }

    /** The input's metric, else {@link #PAPER_METRIC} where a child has it, else {@link #DETECTION_METRIC}. */
    private String metric() {
        if (in.metric() != null) {
            return in.metric();
        }
        boolean paper = children.stream().anyMatch(c -> c.metrics().containsKey(PAPER_METRIC));
        return paper ? PAPER_METRIC : DETECTION_METRIC;
    }

    private List<Ranked> leaderboard(String metric) {
        List<SweepChild> scored = new ArrayList<>(children.stream()
                .filter(c -> SUCCEEDED.equals(c.status()) && c.metrics().get(metric) != null
                        && !c.metrics().get(metric).isNaN())
                .toList());
        scored.sort(Comparator.comparingDouble((SweepChild c) -> c.metrics().get(metric)).reversed()
                .thenComparingInt(SweepChild::k));
        List<Ranked> board = new ArrayList<>();
        for (SweepChild c : scored) {
            board.add(new Ranked(board.size() + 1, c.workflowId(), c.values(), c.metrics().get(metric)));
        }
        return board;
    }

    @Override
    public SweepProgress progress() {
        String status = endStatus != null ? endStatus
                : abortReason != null ? "aborting" : stopRequested ? "stopping" : "running";
        if (in == null) {
            return new SweepProgress(status, 0, 0, 0, List.of(), null, List.of());
        }
        String metric = metric();
        return new SweepProgress(status, in.maxConcurrent(), running.size(), finished, List.copyOf(children), metric,
                leaderboard(metric));
    }

    @Override
    public void stop() {
        stopRequested = true;
    }

    @Override
    public void abort(String reason) {
        abortReason = reason == null || reason.isBlank() ? "no reason given" : reason;
    }
}
