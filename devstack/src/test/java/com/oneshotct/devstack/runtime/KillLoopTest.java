package com.oneshotct.devstack.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.workflows.pipeline.PipelineProgress;
import com.oneshotct.workflows.pipeline.PipelineResult;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker process killed (SIGKILL) again and again in one run: once around registration, once in the dataset
 * fetch, once in training after the first checkpoint, once while it scores a checkpoint on the validation split, once
 * in evaluation, each at a delay drawn from a seed (printed;
 * {@code -Doneshot.kill.seed=N} replays a schedule, as far as timing allows). After each kill a new worker process
 * starts on the same host folders. The run must end as an uninterrupted one does, and no training attempt may start
 * from zero once a checkpoint exists: each says where it started in its attempt record; every checkpoint ends with
 * exactly one validation score, the killed scoring's attempt closed as lost. Finally an uninterrupted run
 * with the same input on the last worker must end with the same weights, Adam moments and step counts, byte for
 * byte: a training resumed from a checkpoint continues exactly.
 */
class KillLoopTest {
    private static final String RUN = "kill-run";
    private static final int ITERATIONS = 2;
    private static final String INPUT = "{\"dataset\": \"kill-data\", \"imageSize\": 64, \"iterations\": "
            + ITERATIONS + ", \"checkpointInterval\": 1, \"heartbeatTimeout\": \"PT15S\"}";
    private static final Pattern RESUMED = Pattern.compile("^resumed from (\\S+) at iteration (\\d+)");

    /** One kill: the stage it aims at, and how long after that stage is seen to begin. */
    record Kill(Stage stage, int delayMs) {
        @Override
        public String toString() {
            return stage.sql() + " +" + delayMs + " ms";
        }
    }

    @Test
    void killedWorkersNeitherLoseTheRunNorRestartTrainingFromZero(@TempDir Path tmp) throws Exception {
        long seed = Long.getLong("oneshot.kill.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        List<Kill> schedule = List.of(new Kill(Stage.REGISTER, rnd.nextInt(400)),
                new Kill(Stage.FETCH_DATASET, rnd.nextInt(200)), new Kill(Stage.TRAIN, rnd.nextInt(3000)),
                new Kill(Stage.VALIDATE, rnd.nextInt(800)), new Kill(Stage.EVALUATE, rnd.nextInt(3000)));
        System.out.println("KillLoopTest seed " + seed + " (-Doneshot.kill.seed=" + seed + "), schedule " + schedule);
        List<String> happened = new ArrayList<>();
        long t0 = System.nanoTime();
        try (CrashStack services = CrashStack.start(tmp, "kill-data")) {
            Registry registry = services.registry();
            ObjectStore store = services.store();
            EmbeddedStack stack = services.stack();
            Path host = tmp.resolve("host");
            int n = 0;
            String name = "k" + n;
            Process worker = WorkerJvms.start(stack, host, name);
            try {
                WorkerJvms.awaitPolling(worker, name);
                WorkflowStub run = WorkerJvms.startRun(services.client(), RUN, INPUT);
                for (Kill k : schedule) {
                    awaitStage(registry, k.stage(), run, name);
                    Thread.sleep(k.delayMs());
                    String at = runningNow(registry);
                    WorkerJvms.kill(worker);
                    happened.add(String.format("%6.1f s  kill %s (%s): %s", (System.nanoTime() - t0) / 1e9, name,
                            k, at));
                    name = "k" + ++n;
                    worker = WorkerJvms.start(stack, host, name);
                }
                PipelineResult result;
                try {
                    result = run.getResult(8, TimeUnit.MINUTES, PipelineResult.class);
                } catch (TimeoutException e) {
                    throw new AssertionError("the run did not finish; progress " + run.query("progress",
                            PipelineProgress.class) + "\n" + name + ":\n" + WorkerJvms.tail(name), e);
                }
                happened.add(String.format("%6.1f s  run ended %s", (System.nanoTime() - t0) / 1e9,
                        result.status()));

                assertEquals("succeeded", result.status(), result.message());
                assertEquals(ITERATIONS, result.iterations());
                assertEquals(RunStatus.SUCCEEDED, registry.runs().get(RUN).status());
                Checkpoint latest = registry.training().latest(RUN).orElseThrow();
                assertEquals(ITERATIONS, latest.iteration());
                List<Checkpoint> cks = registry.training().checkpoints(RUN);
                // every checkpoint scored on validation exactly once, whatever was killed; one test evaluation, of
                // the chosen checkpoint
                var evals = registry.evaluations().evaluations(RUN);
                assertEquals(cks.stream().map(Checkpoint::id).sorted().toList(), evals.stream()
                        .filter(e -> e.validation()).map(e -> e.checkpointId()).sorted().toList());
                var tested = evals.stream().filter(e -> !e.validation()).toList();
                assertEquals(1, tested.size());
                assertEquals(result.checkpoint().id(), tested.get(0).checkpointId());
                assertEquals(result.checkpoint().id(), registry.models().byAlias("oneshot-ct", "best").checkpointId());
                assertEquals(latest.id(), registry.models().byAlias("oneshot-ct", "latest").checkpointId());
                for (StageAttempt a : registry.attempts().attempts(RUN)) {
                    assertTrue(!a.running(), "no attempt left open: " + a);
                }
                for (Checkpoint c : cks) {
                    assertEquals(c.sha256(), store.stat(c.objectKey()).orElseThrow().sha256(), c.objectKey());
                }
                boolean resumed = trainingNeverRestartedFromZero(registry.attempts().attempts(RUN), cks);
                happened.add("training resumed from a checkpoint: " + resumed);

                PipelineResult reference = WorkerJvms.startRun(services.client(), RUN + "-reference", INPUT)
                        .getResult(6, TimeUnit.MINUTES, PipelineResult.class);
                assertEquals("succeeded", reference.status(), reference.message());
                assertEquals(result.checkpoint().iteration(), reference.checkpoint().iteration(),
                        "the same checkpoint chosen on validation");
                CheckpointEntries.assertSameState(store, latest.objectKey(),
                        registry.training().latest(RUN + "-reference").orElseThrow().objectKey(), tmp);
            } finally {
                System.out.println("KillLoopTest seed " + seed + ":\n  " + String.join("\n  ", happened));
                WorkerJvms.stop(worker);
            }
        }
    }

    /**
     * Every train attempt that got as far as loading a checkpoint said where it started. One that began after a
     * checkpoint was recorded resumed from that checkpoint or a later one, and wrote no checkpoint at or before it.
     * Returns whether some attempt resumed from a checkpoint.
     */
    private static boolean trainingNeverRestartedFromZero(List<StageAttempt> attempts, List<Checkpoint> cks) {
        List<StageAttempt> train = attempts.stream().filter(a -> a.stage() == Stage.TRAIN).toList();
        assertFalse(train.isEmpty());
        boolean resumed = false;
        for (StageAttempt a : train) {
            int existing = cks.stream().filter(c -> c.createdAt().isBefore(a.startedAt()))
                    .mapToInt(Checkpoint::iteration).max().orElse(0);
            List<Integer> own = cks.stream().filter(c -> c.attempt() == a.attempt()).map(Checkpoint::iteration)
                    .toList();
            if (a.note() == null) {
                // killed before it loaded anything: it cannot have trained
                assertTrue(own.isEmpty(), "train attempt " + a.attempt() + " wrote " + own + " without a note");
                continue;
            }
            String first = a.note().split("\n")[0];
            Matcher m = RESUMED.matcher(first);
            boolean isResume = m.find();
            resumed |= isResume;
            if (existing == 0) {
                assertTrue(isResume || first.startsWith("started at iteration 0"), a.note());
                continue;
            }
            assertTrue(isResume, "train attempt " + a.attempt() + " began after checkpoint " + existing
                    + " existed, yet: " + a.note());
            int from = Integer.parseInt(m.group(2));
            assertTrue(from >= existing, "attempt " + a.attempt() + " resumed from " + from + ", but " + existing
                    + " existed");
            assertTrue(own.stream().allMatch(i -> i > from), "attempt " + a.attempt() + " resumed from " + from
                    + " and wrote " + own);
        }
        return resumed;
    }

    /**
     * Waits until {@code stage} of the run has begun (for training: until it recorded a checkpoint; for validation:
     * until the current worker scores one, or the run has moved on to its evaluation).
     */
    private static void awaitStage(Registry registry, Stage stage, WorkflowStub run, String worker)
            throws InterruptedException {
        BooleanSupplier begun = switch (stage) {
            case REGISTER -> () -> true; // the run was just started on a polling worker
            case TRAIN -> () -> WorkerJvms.latest(registry, RUN).isPresent();
            case VALIDATE -> () -> attemptsOf(registry).stream().anyMatch(a -> a.stage() == Stage.VALIDATE
                    && a.running() && a.workerIdentity().equals(worker) || a.stage() == Stage.EVALUATE);
            default -> () -> attemptsOf(registry).stream().anyMatch(a -> a.stage() == stage);
        };
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!begun.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stage " + stage.sql() + " did not begin within 4 minutes; progress "
                        + run.query("progress", PipelineProgress.class));
            }
            Thread.sleep(20);
        }
    }

    /** The newest attempt of the run and whether it is still open: where a kill now lands, as the registry sees. */
    private static String runningNow(Registry registry) {
        return attemptsOf(registry).stream().max(Comparator.comparing(StageAttempt::startedAt))
                .map(a -> a.stage().sql() + " #" + a.attempt() + (a.running() ? " running" : " ended " + a.outcome()
                        .sql())).orElse("no attempt recorded yet");
    }

    private static List<StageAttempt> attemptsOf(Registry registry) {
        try {
            return registry.attempts().attempts(RUN);
        } catch (NotFoundException e) {
            return List.of();
        }
    }
}
