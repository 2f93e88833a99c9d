package com.oneshotct.devstack.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.Registry;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Worker processes for the crash tests: {@code oneshot worker} in a JVM of its own on this test's classpath, against
 * an {@link EmbeddedStack} in the test's JVM, so that the test can kill it with SIGKILL (no shutdown hook, no final
 * checkpoint) and start another.
 */
final class WorkerJvms {

    private WorkerJvms() {
    }

    /** The small dataset the crash tests train on (ResNet18 at 64 px). */
    static void writeDataset(Path dir) {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(3).withSize(64).withCounts(4, 2, 6, 6))
                .write(dir, line -> { });
    }

    /**
     * A worker serving both queues, identity {@code name}, one libtorch thread (reproducible); its dataset cache and
     * work folder are {@code host}'s, so a worker started again under the same host finds what the killed one left.
     * Its output goes to {@link #log}.
     */
    static Process start(EmbeddedStack stack, Path host, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                "com.oneshotct.worker.Main", "worker", "--identity", name, "--work-dir",
                host.resolve("work").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
        Map<String, String> env = pb.environment();
        env.putAll(stack.environment());
        env.put("ONESHOT_CACHE_DIR", host.resolve("cache").toString());
        if (!Files.isDirectory(Path.of("/sys/devices/system/cpu/cpu0/cache"))) {
            env.put("ONEDNN_MAX_CPU_ISA", "AVX"); // as ./oneshot does: libtorch's oneDNN crashes here otherwise
        }
        return pb.start();
    }

    /** Waits until the worker polls its task queues (it says it started once its workers are polling). */
    static void awaitPolling(Process worker, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new AssertionError("worker " + name + " died on start:\n" + tail(name));
            }
            if (Files.readString(log(name)).contains("worker " + name + " started")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("worker " + name + " did not poll within 2 minutes:\n" + tail(name));
    }

    /** SIGKILL, and wait until the process is gone. */
    static void kill(Process worker) throws InterruptedException {
        worker.destroyForcibly();
        if (!worker.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("worker " + worker.pid() + " survived SIGKILL for 30 s");
        }
    }

    /** Asks a worker to stop (it finishes or checkpoints what it runs), killing it if it takes over a minute. */
    static void stop(Process worker) throws InterruptedException {
        worker.destroy();
        if (!worker.waitFor(60, TimeUnit.SECONDS)) {
            worker.destroyForcibly();
        }
    }

    /** Starts a pipeline run on the CPU queue. */
    static WorkflowStub startRun(WorkflowClient client, String id, String input) throws IOException {
        WorkflowStub stub = client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE,
                WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(id)
                        .setWorkflowRunTimeout(Duration.ofMinutes(15)).build());
        stub.start(new ObjectMapper().readTree(input));
        return stub;
    }

    /** A worker's output, kept under target/ after the test for a post-mortem. */
    static Path log(String name) throws IOException {
        return Files.createDirectories(Path.of("target", "crash-resume-logs")).resolve(name + ".log");
    }

    /** The last 60 lines of a worker's output. */
    static String tail(String name) throws IOException {
        Path log = log(name);
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** The run's latest checkpoint, or empty before its first one (or before the run is registered). */
    static Optional<Checkpoint> latest(Registry registry, String run) {
        try {
            return registry.training().latest(run);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Waits until the run has a checkpoint at {@code iteration} or later; returns that iteration. */
    static int waitForCheckpoint(Registry registry, String run, int iteration, Process worker, String name)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new AssertionError("worker died early:\n" + tail(name));
            }
            Optional<Checkpoint> latest = latest(registry, run);
            if (latest.isPresent() && latest.get().iteration() >= iteration) {
                return latest.get().iteration();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint at iteration " + iteration + " within 5 minutes:\n" + tail(name));
    }
}
