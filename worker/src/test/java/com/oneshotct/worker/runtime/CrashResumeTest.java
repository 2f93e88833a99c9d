package com.oneshotct.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.pipeline.PipelineResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process killed with SIGKILL in the middle of training: a new worker process takes the run over and
 * finishes it from the last checkpoint, and the final weights are those of an uninterrupted run with the same seed.
 */
class CrashResumeTest {
    private static final String INPUT = "{\"dataset\": \"crash-data\", \"imageSize\": 64, \"iterations\": 6,"
            + " \"checkpointInterval\": 2, \"heartbeatTimeout\": \"PT10S\"}";

    @Test
    void aKilledWorkerIsReplacedAndTrainingResumesExactly(@TempDir Path tmp) throws Exception {
        try (CrashStack services = CrashStack.start(tmp, "crash-data")) {
            Registry registry = services.registry();
            ObjectStore store = services.store();
            WorkflowClient client = services.client();
            Process first = WorkerJvms.start(services.stack(), tmp.resolve("host-1"), "w1");
            Process second = null;
            try {
                WorkflowStub run = WorkerJvms.startRun(client, "crash-run", INPUT);
                int killedAt = WorkerJvms.waitForCheckpoint(registry, "crash-run", 2, first, "w1");
                WorkerJvms.kill(first); // SIGKILL: no shutdown hook, no final checkpoint
                second = WorkerJvms.start(services.stack(), tmp.resolve("host-2"), "w2");
                PipelineResult crashed;
                try {
                    crashed = run.getResult(6, TimeUnit.MINUTES, PipelineResult.class);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the run did not finish; progress "
                            + run.query("progress", com.oneshotct.workflows.pipeline.PipelineProgress.class)
                            + "\nw2:\n" + WorkerJvms.tail("w2") + "\nw1:\n" + WorkerJvms.tail("w1"), e);
                }
                assertEquals("succeeded", crashed.status(), crashed.message());
                assertEquals(6, crashed.iterations());

                Map<Stage, Long> attempts = registry.attempts().attempts("crash-run").stream()
                        .collect(Collectors.groupingBy(StageAttempt::stage, Collectors.counting()));
                assertEquals(2L, attempts.get(Stage.TRAIN), attempts.toString());
                for (Stage s : List.of(Stage.REGISTER, Stage.FETCH_DATASET, Stage.EVALUATE, Stage.REGISTER_METRICS)) {
                    assertEquals(1L, attempts.get(s), s + ": " + attempts);
                }
                List<Checkpoint> cks = registry.training().checkpoints("crash-run");
                int lastOfFirst = cks.stream().filter(c -> c.attempt() == 1).mapToInt(Checkpoint::iteration).max()
                        .orElseThrow();
                List<Integer> second2 = cks.stream().filter(c -> c.attempt() == 2).map(Checkpoint::iteration).toList();
                assertTrue(lastOfFirst >= 2 && lastOfFirst >= killedAt, "killed after checkpoint " + lastOfFirst);
                assertFalse(second2.isEmpty());
                // resumed, not restarted: the second attempt wrote no checkpoint at or before the first's last one
                assertTrue(second2.stream().allMatch(i -> i > lastOfFirst), "second attempt's checkpoints "
                        + second2 + " all after " + lastOfFirst);
                assertEquals(6, registry.training().latest("crash-run").orElseThrow().iteration());

                PipelineResult reference = WorkerJvms.startRun(client, "crash-reference", INPUT)
                        .getResult(6, TimeUnit.MINUTES, PipelineResult.class);
                assertEquals("succeeded", reference.status(), reference.message());
                Map<String, byte[]> a = state(store, crashed.checkpoint().objectKey(), tmp.resolve("a.ckpt"));
                Map<String, byte[]> b = state(store, reference.checkpoint().objectKey(), tmp.resolve("b.ckpt"));
                assertEquals(b.keySet(), a.keySet());
                // the header's per-parameter Adam step counts are compared too: a step skipped for non-finite
                // gradients in one run only would show there
                List<String> differ = new ArrayList<>();
                a.forEach((k, v) -> {
                    if (!java.util.Arrays.equals(v, b.get(k))) {
                        differ.add(k);
                    }
                });
                assertTrue(differ.isEmpty(), "entries differ between the resumed and the uninterrupted run: " + differ);
            } finally {
                first.destroyForcibly();
                if (second != null) {
                    WorkerJvms.stop(second);
                }
            }
        }
    }

    /** Key of the header's per-parameter Adam step counts in {@link #state}'s map. */
    private static final String STEPS = "header/adamSteps";

    /** Every weight and optimiser entry of a checkpoint object, by entry name, and the header's Adam step counts. */
    private static Map<String, byte[]> state(ObjectStore store, String key, Path file) throws Exception {
        store.get(key, file);
        Map<String, byte[]> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.getName().startsWith("weights/") || e.getName().startsWith("optimizer/")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        out.put(e.getName(), in.readAllBytes());
                    }
                } else if (e.getName().equals("header.json")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        out.put(STEPS, new ObjectMapper().readTree(in).path("adamSteps").toString()
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return out;
    }
}
