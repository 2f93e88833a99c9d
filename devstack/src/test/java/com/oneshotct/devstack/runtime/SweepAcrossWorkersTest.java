package com.oneshotct.devstack.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.db.SweepChildSummary;
import com.oneshotct.db.SweepStatus;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.workflows.sweep.SweepChild;
import com.oneshotct.workflows.sweep.SweepResult;
import com.oneshotct.workflows.sweep.TrainingSweep;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep on the embedded stack served by two worker processes (each its own JVM, one training slot each): four
 * points, two at a time, the smallest configuration (ResNet18 at 64 px, one iteration). The grid varies the dataset,
 * and the third point names one that does not exist: its fetch fails for good, it parks, its park timeout runs out
 * and it ends aborted, while the sweep goes on. Afterwards: the sweep completed, never more than two children were
 * open or training at once, two trainings that overlapped ran on different workers, and the registry's sweep_summary
 * has each point with its run's status and ranks the three that were evaluated.
 */
class SweepAcrossWorkersTest {
    private static final String SWEEP = "sweep-two-workers";
    private static final List<String> DATASETS = List.of("sweep-a", "sweep-b", "sweep-gone", "sweep-c");
    private static final String INPUT = "{\"base\": {\"imageSize\": 64, \"iterations\": 1, \"checkpointInterval\": 1,"
            + " \"heartbeatTimeout\": \"PT15S\", \"parkTimeout\": \"PT3S\"}, \"grid\": {\"dataset\": [\"sweep-a\","
            + " \"sweep-b\", \"sweep-gone\", \"sweep-c\"]}, \"maxConcurrent\": 2}";

    @Test
    void fourPointsTwoAtATimeOnTwoWorkersOneParksAndTheViewRanksTheRest(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        try (CrashStack services = CrashStack.start(tmp, "sweep-a")) {
            // two more datasets, drawn from other seeds so that the runs' scores may differ
            for (int i = 1; i <= 2; i++) {
                Path dir = tmp.resolve("synthetic-" + i);
                new SyntheticCt(SyntheticCt.Options.defaults().withSeed(3 + i).withSize(64).withCounts(4, 2, 6, 6))
                        .write(dir, line -> { });
                new DatasetPush(services.store()).push(dir, i == 1 ? "sweep-b" : "sweep-c");
            }
            Process one = WorkerJvms.start(services.stack(), tmp.resolve("host-1"), "sw1");
            Process two = WorkerJvms.start(services.stack(), tmp.resolve("host-2"), "sw2");
            try {
                WorkerJvms.awaitPolling(one, "sw1");
                WorkerJvms.awaitPolling(two, "sw2");
                TrainingSweep sweep = services.client().newWorkflowStub(TrainingSweep.class, WorkflowOptions
                        .newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(SWEEP)
                        .setWorkflowRunTimeout(Duration.ofMinutes(10)).build());
                WorkflowClient.start(sweep::run, new ObjectMapper().readTree(INPUT));
                SweepResult r = WorkflowStub.fromTyped(sweep).getResult(8, TimeUnit.MINUTES, SweepResult.class);
                System.out.printf(Locale.ROOT, "SweepAcrossWorkersTest: the sweep took %.1f s from the stack's start%n",
                        (System.nanoTime() - t0) / 1e9);

                assertEquals("completed", r.status(), r.toString());
                assertEquals(List.of("succeeded", "succeeded", "aborted", "succeeded"),
                        r.children().stream().map(SweepChild::status).toList(), r.toString());
                String parked = r.children().get(2).message();
                assertTrue(parked.contains("sweep-gone") && parked.contains("NotFound"), parked);
                assertEquals(2, mostChildrenAtOnce(services.client(), SWEEP), "two children at once, never more");
                Registry registry = services.registry();
                trainingNeverExceededTwoAtOnce(registry);
                summaryRanksTheEvaluatedPoints(registry);
                String status = cli(services, "sweep", "status", SWEEP);
                assertTrue(status.contains("sweep " + SWEEP + ": completed (3 of 4 succeeded)"), status);
                assertTrue(status.contains("registry: sweep " + SWEEP + " completed, ranked by weighted_f1"), status);
                String compared = cli(services, "runs", "compare", "--sweep", SWEEP);
                // every point with a run, the aborted one too (unranked, so last)
                assertTrue(compared.startsWith("sweep " + SWEEP + ": 4 runs, best rank first"), compared);
                assertTrue(compared.matches("(?s).*\\* +status +succeeded +succeeded +succeeded +aborted\\R.*"),
                        compared);
                assertTrue(compared.matches("(?s).*\\* +request\\.dataset .*"), compared);
            } finally {
                WorkerJvms.stop(one);
                WorkerJvms.stop(two);
            }
        }
    }

    /** Runs {@code oneshot ARGS} in a JVM of its own with the stack's environment, as a user would; its output. */
    private static String cli(CrashStack services, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "com.oneshotct.worker.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(services.stack().environment());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "oneshot " + String.join(" ", args) + " did not end");
        assertEquals(0, p.exitValue(), "oneshot " + String.join(" ", args) + ":\n" + out);
        System.out.println("SweepAcrossWorkersTest: $ oneshot " + String.join(" ", args) + "\n" + out);
        return out;
    }

    /** The most children the sweep's history shows started and not yet ended at once. */
    static int mostChildrenAtOnce(WorkflowClient client, String sweepId) {
        int now = 0;
        int most = 0;
        for (HistoryEvent e : client.fetchHistory(sweepId).getEvents()) {
            if (e.hasStartChildWorkflowExecutionInitiatedEventAttributes()) {
                most = Math.max(most, ++now);
            } else if (e.hasChildWorkflowExecutionCompletedEventAttributes()
                    || e.hasChildWorkflowExecutionFailedEventAttributes()
                    || e.hasChildWorkflowExecutionCanceledEventAttributes()
                    || e.hasChildWorkflowExecutionTerminatedEventAttributes()
                    || e.hasChildWorkflowExecutionTimedOutEventAttributes()
                    || e.hasStartChildWorkflowExecutionFailedEventAttributes()) {
                now--;
            }
        }
        return most;
    }

    /** From the registry's attempt records: at most two train attempts open at once, each pair on two workers. */
    private static void trainingNeverExceededTwoAtOnce(Registry registry) {
        List<StageAttempt> train = new ArrayList<>();
        for (int k = 1; k <= DATASETS.size(); k++) {
            registry.attempts().attempts(String.format("%s-%03d", SWEEP, k)).stream()
                    .filter(a -> a.stage() == Stage.TRAIN).forEach(train::add);
        }
        assertEquals(3, train.size(), "one train attempt per child that fetched its data: " + train);
        for (StageAttempt a : train) {
            assertTrue(a.endedAt() != null, a.toString());
            List<StageAttempt> overlapping = train.stream().filter(b -> b != a
                    && b.startedAt().isBefore(a.endedAt()) && a.startedAt().isBefore(b.endedAt())).toList();
            assertTrue(overlapping.size() <= 1, "more than two trainings at once: " + a + " with " + overlapping);
            for (StageAttempt b : overlapping) {
                // one training slot per worker: two trainings at once ran in the two JVMs
                assertNotEquals(a.workerIdentity(), b.workerIdentity(), a + " and " + b);
            }
            System.out.println("SweepAcrossWorkersTest: " + a.workflowId() + " trained on " + a.workerIdentity()
                    + " from " + a.startedAt() + " to " + a.endedAt());
        }
    }

    private static void summaryRanksTheEvaluatedPoints(Registry registry) {
        assertEquals(SweepStatus.COMPLETED, registry.sweeps().get(SWEEP).status());
        List<SweepChildSummary> rows = registry.sweeps().summary(SWEEP);
        System.out.println("SweepAcrossWorkersTest: sweep_summary of " + SWEEP);
        for (SweepChildSummary s : rows) {
            System.out.printf(Locale.ROOT, "  %d %s %-9s %-25s %s %s rank %s%n", s.k(), s.workflowId(), s.status(),
                    s.pointJson(), s.metric(), s.splitValue(), s.rank());
        }
        assertEquals(List.of("succeeded", "succeeded", "aborted", "succeeded"),
                rows.stream().map(SweepChildSummary::status).toList());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals("{\"dataset\": \"" + DATASETS.get(i) + "\"}", rows.get(i).pointJson());
        }
        SweepChildSummary gone = rows.get(2);
        assertNull(gone.rank(), "never evaluated, never ranked");
        assertTrue(gone.error().contains("sweep-gone"), gone.error());
        List<SweepChildSummary> ranked = rows.stream().filter(s -> s.rank() != null)
                .sorted((a, b) -> Integer.compare(a.rank(), b.rank())).toList();
        assertEquals(3, ranked.size(), rows.toString());
        assertEquals(1, ranked.get(0).rank());
        for (int i = 1; i < ranked.size(); i++) {
            SweepChildSummary better = ranked.get(i - 1);
            SweepChildSummary worse = ranked.get(i);
            // the view ranks by the test split's weighted F1 here (no validation evaluations): higher first, ties share
            assertTrue(better.splitValue() >= worse.splitValue(), better + " above " + worse);
            assertEquals(better.splitValue().equals(worse.splitValue()), better.rank().equals(worse.rank()),
                    better + " / " + worse);
            assertEquals(worse.weightedF1(), worse.splitValue());
        }
    }
}
