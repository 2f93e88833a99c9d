package com.oneshotct.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.stack.EmbeddedStack;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    private static final String INPUT = "{\"dataset\": \"crash-data\", \"imageSize\": 64, \"iterations\": 12,"
            + " \"checkpointInterval\": 3, \"heartbeatTimeout\": \"PT10S\"}";

    @Test
    void aKilledWorkerIsReplacedAndTrainingResumesExactly(@TempDir Path tmp) throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(tmp.resolve("stack"), EmbeddedStack.Ports.ANY);
                Database db = Database.open(DbConfig.fromEnvironment(stack.environment()));
                ObjectStore store = new ObjectStore(S3Config.fromEnvironment(stack.environment()))) {
            Path data = tmp.resolve("synthetic");
            new SyntheticCt(SyntheticCt.Options.defaults().withSeed(3).withSize(64).withCounts(4, 2, 6, 6))
                    .write(data, line -> { });
            new DatasetPush(store).push(data, "crash-data");
            Registry registry = db.registry();
            TemporalConfig temporal = TemporalConfig.fromEnvironment(stack.environment());
            WorkflowServiceStubs stubs = Clients.stubs(temporal);
            WorkflowClient client = Clients.client(stubs, temporal);
            Process first = worker(stack, tmp, "w1");
            Process second = null;
            try {
                WorkflowStub run = start(client, "crash-run");
                int killedAt = waitForCheckpoint(registry, "crash-run", 6, first, logs().resolve("w1.log"));
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                second = worker(stack, tmp, "w2");
                PipelineResult crashed;
                try {
                    crashed = run.getResult(6, TimeUnit.MINUTES, PipelineResult.class);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the run did not finish; progress "
                            + run.query("progress", com.oneshotct.workflows.pipeline.PipelineProgress.class)
                            + "\nw2:\n" + tail(logs().resolve("w2.log")) + "\nw1:\n" + tail(logs().resolve("w1.log")), e);
                }
                assertEquals("succeeded", crashed.status(), crashed.message());
                assertEquals(12, crashed.iterations());

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
                assertTrue(lastOfFirst >= 6 && lastOfFirst >= killedAt, "killed after checkpoint " + lastOfFirst);
                assertFalse(second2.isEmpty());
                // resumed, not restarted: the second attempt wrote no checkpoint at or before the first's last one
                assertTrue(second2.stream().allMatch(i -> i > lastOfFirst), "second attempt's checkpoints "
                        + second2 + " all after " + lastOfFirst);
                assertEquals(12, registry.training().latest("crash-run").orElseThrow().iteration());

                PipelineResult reference = start(client, "crash-reference")
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
                    second.destroy();
                    if (!second.waitFor(60, TimeUnit.SECONDS)) {
                        second.destroyForcibly();
                    }
                }
                stubs.shutdownNow();
            }
        }
    }

    private static WorkflowStub start(WorkflowClient client, String id) throws Exception {
        WorkflowStub stub = client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE,
                WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(id)
                        .setWorkflowRunTimeout(Duration.ofMinutes(15)).build());
        stub.start(new ObjectMapper().readTree(INPUT));
        return stub;
    }

    /** A worker in its own JVM on the test's classpath, its own cache, one libtorch thread (reproducible). */
    private static Process worker(EmbeddedStack stack, Path tmp, String name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                "com.oneshotct.worker.Main", "worker", "--identity", name, "--work-dir",
                tmp.resolve(name + "-work").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs().resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.putAll(stack.environment());
        env.put("ONESHOT_CACHE_DIR", tmp.resolve(name + "-cache").toString());
        if (!Files.isDirectory(Path.of("/sys/devices/system/cpu/cpu0/cache"))) {
            env.put("ONEDNN_MAX_CPU_ISA", "AVX"); // as ./oneshot does: libtorch's oneDNN crashes here otherwise
        }
        return pb.start();
    }

    /** The worker processes' output, kept under target/ after the test for a post-mortem. */
    private static Path logs() throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "crash-resume-logs"));
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.contains("NNPACK")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** Waits until the run has a checkpoint at {@code iteration} or later; returns that iteration. */
    private static int waitForCheckpoint(Registry registry, String run, int iteration, Process worker, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new AssertionError("worker died early:\n" + Files.readString(log));
            }
            try {
                var latest = registry.training().latest(run);
                if (latest.isPresent() && latest.get().iteration() >= iteration) {
                    return latest.get().iteration();
                }
            } catch (com.oneshotct.db.NotFoundException e) {
                // not registered yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint at iteration " + iteration + " within 5 minutes:\n"
                + Files.readString(log));
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
