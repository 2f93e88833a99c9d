package com.oneshotct.devstack.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a worker crash costs: runs train on a worker JVM that is killed with SIGKILL right after a seeded random
 * iteration past the first checkpoint; a replacement JVM is started at once (a restarted pod). Per crash: the
 * iterations redone (the last iteration the killed worker finished, minus the checkpoint the registry held at the
 * kill, from which the next attempt resumes), against the checkpoint interval; the seconds from the kill to the
 * next training attempt starting (Temporal notices the silence after the heartbeat timeout, waits its retry
 * backoff, the new worker takes the task) and to that attempt finishing its first iteration (it also fetches the
 * dataset into its own cache, builds the model, downloads and loads the checkpoint). The workers' training
 * heartbeats come from {@link BeatReporter}. Each run then finishes, and must succeed.
 */
public final class ResumeBench {
    public static final String DATASET = "bench-resume";
    private static final long MINUTES_10 = 600_000;

    /** What to run: for each checkpoint interval, {@code kills} runs of {@code iterations}, one crash each. */
    public record Options(List<Integer> intervals, int iterations, int kills, long seed, Duration heartbeatTimeout,
            int imageSize, int threads) {
        public Options {
            intervals = List.copyOf(intervals);
            if (intervals.isEmpty() || kills < 1 || threads < 1) {
                throw new IllegalArgumentException("bench resume: --intervals, --kills and --threads need a value"
                        + " >= 1");
            }
            for (int c : intervals) {
                if (c < 1 || iterations < c + 2) {
                    throw new IllegalArgumentException("bench resume: each interval must be >= 1 and --iterations at"
                            + " least interval + 2 (a crash after the first checkpoint, before the last iteration);"
                            + " got interval " + c + ", iterations " + iterations);
                }
            }
            if (heartbeatTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("bench resume: --heartbeat-timeout must be at least PT1S");
            }
        }
    }

    /**
     * One crash.
     *
     * @param killedAfter the last iteration the killed worker finished
     * @param resumedFrom the iteration of the registry's latest checkpoint at the kill
     * @param firstNewIteration the first iteration the next attempt finished (resumedFrom + 1 when it resumed)
     * @param workerStartS the replacement JVM's start, spawn to polling (inside killToAttemptS)
     */
    public record Trial(int interval, String workflowId, int killedAfter, int resumedFrom, int redone,
            int firstNewIteration, double killToAttemptS, double killToTrainingS, double workerStartS,
            String status) {}

    public record Result(Options options, List<Trial> trials, TreeMap<Integer, Double> meanRedoneByInterval,
            double meanKillToTrainingS) {}

    private ResumeBench() {}

    public static Result run(Options o, Consumer<String> progress) throws Exception {
        SyntheticCt.Options data = SyntheticCt.Options.defaults().withSeed(13).withSize(o.imageSize())
                .withCounts(2, 1, 3, 3);
        List<Trial> trials = new ArrayList<>();
        Random random = new Random(o.seed());
        try (BenchStack s = BenchStack.start(data, DATASET, progress)) {
            TemporalConfig temporal = TemporalConfig.fromEnvironment(s.env());
            WorkflowServiceStubs stubs = Clients.stubs(temporal);
            int workers = 0;
            WatchedWorker current = WatchedWorker.start("w" + (++workers), s.dir().resolve("work-1"), s.env(),
                    o.threads());
            try {
                WorkflowClient client = Clients.client(stubs, temporal);
                current.awaitStarted(MINUTES_10);
                for (int c : o.intervals()) {
                    for (int k = 1; k <= o.kills(); k++) {
                        int killAt = c + 1 + random.nextInt(o.iterations() - c - 1);
                        String id = "bench-resume-c" + c + "-" + k;
                        WorkflowStub run = start(client, id, o, c);
                        current.awaitLoopBeat(id, b -> b.iteration() >= killAt, MINUTES_10);
                        long killed = current.kill();
                        int last = current.lastLoopIteration(id);
                        int resumed = s.db().registry().training().latest(id).map(Checkpoint::iteration).orElse(0);
                        WatchedWorker next = WatchedWorker.start("w" + (++workers), s.dir().resolve("work-" + workers),
                                s.env(), o.threads());
                        current = next;
                        double startS = next.awaitStarted(MINUTES_10);
                        BeatReporter.Beat again = next.awaitLoopBeat(id, b -> true, MINUTES_10,
                                () -> failedSince(s, id, killed));
                        StageAttempt second = s.db().registry().attempts().attempts(id).stream()
                                .filter(a -> a.stage() == Stage.TRAIN && a.startedAt().toEpochMilli() >= killed)
                                .findFirst().orElseThrow(() -> new IllegalStateException(id + ": no train attempt"
                                        + " after the kill"));
                        PipelineResult r = run.getResult(MINUTES_10, TimeUnit.MILLISECONDS, PipelineResult.class);
                        Trial t = new Trial(c, id, last, resumed, last - resumed, again.iteration(),
                                (second.startedAt().toEpochMilli() - killed) / 1e3,
                                (again.epochMillis() - killed) / 1e3, startS, r.status());
                        progress.accept(String.format(Locale.ROOT, "interval %d: killed after iteration %d, resumed"
                                + " from %d (%d redone); training again %.1f s after the kill (attempt started"
                                + " %.1f s after; worker JVM start %.1f s); run %s", c, last, resumed, t.redone(),
                                t.killToTrainingS(), t.killToAttemptS(), startS, r.status()));
                        trials.add(t);
                    }
                }
            } finally {
                current.stop();
                stubs.shutdownNow();
            }
        }
        TreeMap<Integer, Double> redone = new TreeMap<>();
        for (int c : o.intervals()) {
            redone.put(c, trials.stream().filter(t -> t.interval() == c).mapToInt(Trial::redone).average()
                    .orElse(Double.NaN));
        }
        return new Result(o, trials, redone, trials.stream().mapToDouble(Trial::killToTrainingS).average()
                .orElse(Double.NaN));
    }

    /**
     * Why the run cannot resume, once two train attempts after the kill have failed (e.g. each timed out: a
     * heartbeat timeout shorter than the slow start of an attempt, which downloads and loads the checkpoint
     * between two heartbeats); null while it still may.
     */
    private static String failedSince(BenchStack s, String id, long killedMillis) {
        List<StageAttempt> failed = s.db().registry().attempts().attempts(id).stream()
                .filter(a -> a.stage() == Stage.TRAIN && a.startedAt().toEpochMilli() >= killedMillis
                        && a.outcome() != null && a.outcome() != com.oneshotct.db.Outcome.SUCCEEDED)
                .toList();
        if (failed.size() < 2) {
            return null;
        }
        return id + ": " + failed.size() + " train attempts after the kill failed, the last: "
                + failed.get(failed.size() - 1).errorClass() + ": " + failed.get(failed.size() - 1).errorMessage()
                + " (is --heartbeat-timeout longer than an attempt's start, checkpoint download and load included?)";
    }

    private static WorkflowStub start(WorkflowClient client, String id, Options o, int interval) {
        ObjectNode input = new ObjectMapper().createObjectNode().put("dataset", DATASET)
                .put("imageSize", o.imageSize()).put("iterations", o.iterations()).put("checkpointInterval", interval)
                .put("heartbeatTimeout", o.heartbeatTimeout().toString());
        WorkflowStub stub = client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE,
                WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(id)
                        .setWorkflowRunTimeout(Duration.ofHours(1)).build());
        stub.start(input);
        return stub;
    }
}
