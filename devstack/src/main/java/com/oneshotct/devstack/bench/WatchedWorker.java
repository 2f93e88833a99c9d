package com.oneshotct.devstack.bench;

import com.oneshotct.worker.runtime.WorkerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** A {@link ResumeWorker} JVM whose stdout is read as it comes: its start, its training heartbeats, its last lines. */
final class WatchedWorker {
    private final String name;
    private final Process process;
    private final long spawnedMillis;
    private final List<BeatReporter.Beat> beats = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private long startedMillis = -1;
    private boolean ended;

    private WatchedWorker(String name, Process process, long spawnedMillis) {
        this.name = name;
        this.process = process;
        this.spawnedMillis = spawnedMillis;
    }

    static WatchedWorker start(String name, Path work, Map<String, String> env, int threads) {
        long t = System.currentTimeMillis();
        Process p = WorkerProcess.start(ResumeWorker.class.getName(), List.of(name, work.toString()), env,
                List.of("-Xmx2g", "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1"),
                null);
        WatchedWorker w = new WatchedWorker(name, p, t);
        Thread reader = new Thread(w::read, "bench-watch-" + name);
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                BeatReporter.Beat b = BeatReporter.Beat.parse(line);
                synchronized (this) {
                    if (b != null) {
                        beats.add(b);
                    } else if (line.startsWith(ResumeWorker.STARTED)) {
                        startedMillis = System.currentTimeMillis();
                    } else {
                        tail.addLast(line);
                        if (tail.size() > 40) {
                            tail.removeFirst();
                        }
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process was killed: its pipe closed under the reader
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Seconds from spawning the JVM to its polling, after waiting for that. */
    synchronized double awaitStarted(long timeoutMillis) throws InterruptedException, TimeoutException {
        waitFor(() -> startedMillis >= 0, timeoutMillis, "to start");
        return (startedMillis - spawnedMillis) / 1e3;
    }

    /** The first heartbeat sent by the training loop for {@code workflowId} that {@code match} accepts. */
    synchronized BeatReporter.Beat awaitLoopBeat(String workflowId, Predicate<BeatReporter.Beat> match,
            long timeoutMillis) throws InterruptedException, TimeoutException {
        return awaitLoopBeat(workflowId, match, timeoutMillis, () -> null);
    }

    /** As above, giving up at once with an exception when {@code problem} (asked every second) names one. */
    synchronized BeatReporter.Beat awaitLoopBeat(String workflowId, Predicate<BeatReporter.Beat> match,
            long timeoutMillis, java.util.function.Supplier<String> problem)
            throws InterruptedException, TimeoutException {
        Predicate<BeatReporter.Beat> p = b -> b.loop() && b.workflowId().equals(workflowId) && match.test(b);
        waitFor(() -> {
            if (beats.stream().anyMatch(p)) {
                return true;
            }
            String why = problem.get();
            if (why != null) {
                throw new IllegalStateException(why + "; worker " + name + "'s last lines:\n" + String.join("\n", tail));
            }
            return false;
        }, timeoutMillis, "to report training of " + workflowId);
        return beats.stream().filter(p).findFirst().orElseThrow();
    }

    /** SIGKILL: no shutdown hook, no final checkpoint. Returns when the process and its output have ended. */
    long kill() throws InterruptedException, TimeoutException {
        process.destroyForcibly();
        long at = System.currentTimeMillis();
        synchronized (this) {
            waitFor(() -> ended, 30_000, "to die");
        }
        process.waitFor(30, TimeUnit.SECONDS);
        return at;
    }

    /** The highest iteration the training loop of {@code workflowId} reported finished. */
    synchronized int lastLoopIteration(String workflowId) {
        return beats.stream().filter(b -> b.loop() && b.workflowId().equals(workflowId))
                .mapToInt(BeatReporter.Beat::iteration).max().orElse(0);
    }

    /** SIGTERM, as a pod being stopped: the worker finishes what it runs. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
    }

    private void waitFor(java.util.function.BooleanSupplier done, long timeoutMillis, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!done.getAsBoolean()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || (ended && !done.getAsBoolean())) {
                throw new TimeoutException("worker " + name + (ended ? " ended" : " timed out") + " waiting " + what
                        + "; its last lines:\n" + String.join("\n", tail));
            }
            wait(Math.min(left, 1000));
        }
    }
}
