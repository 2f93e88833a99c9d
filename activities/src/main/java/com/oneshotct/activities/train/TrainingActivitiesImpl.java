package com.oneshotct.activities.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.oneshotct.activities.Failures;
import com.oneshotct.activities.fetch.FetchedDataset;
import com.oneshotct.activities.registry.AttemptLog;
import com.oneshotct.activities.store.ObjectInfo;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.LatestMove;
import com.oneshotct.db.MetricPoint;
import com.oneshotct.db.NewCheckpoint;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.train.PaperTrainer;
import com.oneshotct.model.train.ForeignCheckpointException;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import com.oneshotct.workflows.contract.TrainResult;
import com.oneshotct.workflows.contract.TrainingActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage "train": drives the {@link PaperTrainer}. Each checkpoint is uploaded to an attempt-scoped key, recorded in
 * the registry and offered as the run's latest (a compare-and-set) before its key is heartbeated. A new attempt
 * resumes from the newest checkpoint of the heartbeat details and the registry, after making sure its own cache
 * holds the dataset; a checkpoint whose object is missing or corrupt is skipped for the previous good one. The
 * attempt's record in the registry notes where it started and every checkpoint it skipped, and why. Checkpoint
 * objects are write-once ({@link com.oneshotct.activities.store.ObjectStore#putNew}).
 * Cancellation (the workflow's stop) and worker shutdown both end the loop with a final checkpoint, then rethrow.
 */
public final class TrainingActivitiesImpl implements TrainingActivities {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingActivitiesImpl.class);
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    private final RunFiles files;
    private final Registry registry;
    private final AttemptLog log;
    private final Device device;
    private final WorkflowClient client;

    /** @param client signals progress to the run's workflow; null to send none */
    public TrainingActivitiesImpl(RunFiles files, Registry registry, AttemptLog log, Device device,
            WorkflowClient client) {
        this.files = files;
        this.registry = registry;
        this.log = log;
        this.device = device;
        this.client = client;
    }

    @Override
    public TrainResult train(TrainRequest request) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        TrainHeartbeat prior = ctx.getHeartbeatDetails(TrainHeartbeat.class).orElse(null);
        Pulse pulse = new Pulse() {
            @Override
            public void heartbeat(TrainHeartbeat details) {
                ctx.heartbeat(details);
            }

            @Override
            public void progress(TrainProgress p) {
                if (client != null) {
                    client.newUntypedWorkflowStub(request.workflowId(), Optional.empty(), Optional.empty())
                            .signal(TrainProgress.SIGNAL, p);
                }
            }
        };
        return log.runNumbered(Stage.TRAIN, attempt -> {
            // one training per process: a zombie attempt that has not yet noticed its end must not train beside
            // its successor (one device, and libtorch state is per process)
            waitForSlot(pulse, prior);
            try {
                return train(request, attempt.attempt(), prior, pulse);
            } finally {
                SLOT.release();
            }
        });
    }

    /** Longest silence between heartbeats while the training thread is busy with a checkpoint. */
    static final java.time.Duration KEEPALIVE = java.time.Duration.ofSeconds(2);

    private static final java.util.concurrent.Semaphore SLOT = new java.util.concurrent.Semaphore(1);

    private static void waitForSlot(Pulse pulse, TrainHeartbeat prior) {
        TrainHeartbeat keep = prior != null ? prior : new TrainHeartbeat(0, null, Map.of());
        try {
            while (!SLOT.tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS)) {
                pulse.heartbeat(keep);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the training slot", e);
        }
    }

    /** The activity's body without Temporal: {@code attempt} numbers checkpoint keys, {@code prior} is the last
     *  heartbeat of an earlier attempt (or null). */
    public TrainResult train(TrainRequest r, int attempt, TrainHeartbeat prior, Pulse pulse) {
        // Loading a resumed checkpoint, and writing and uploading one, take seconds to minutes with no iteration in
        // between: a timer heartbeats meanwhile (the last details again), so a short heartbeat timeout does not
        // declare a busy worker lost. Until the loop runs it re-sends the prior details; then the loop's.
        TrainHeartbeat keep = prior != null ? prior : new TrainHeartbeat(0, null, Map.of());
        AtomicReference<Runnable> tick = new AtomicReference<>(() -> pulse.heartbeat(keep));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(t -> {
            Thread th = new Thread(t, "train-keepalive-" + r.workflowId());
            th.setDaemon(true);
            return th;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick.get().run();
            } catch (RuntimeException e) {
                // a cancellation reaches the training thread through its own heartbeats
                LOG.debug("run {}: keepalive heartbeat failed: {}", r.workflowId(), e.getMessage());
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            return train(r, attempt, prior, keep, pulse, tick);
        } finally {
            timer.shutdownNow();
        }
    }

    private TrainResult train(TrainRequest r, int attempt, TrainHeartbeat prior, TrainHeartbeat keep, Pulse pulse,
            AtomicReference<Runnable> tick) {
        pulse.heartbeat(keep);
        if (r.device() != null && r.device().startsWith("gpu") && !device.isGpu()) {
            // the worker's ONESHOT_DEVICE decides; training a run that asked for a GPU on a CPU would take days
            throw Failures.badConfig("run '" + r.workflowId() + "' asks for device '"
                    + r.device() + "' but this worker trains on " + device.getDeviceType() + "; send training to a"
                    + " task queue that GPU workers (ONESHOT_DEVICE=gpu) poll (input gpuQueue), or ask for device"
                    + " 'cpu'");
        }
        TrainConfig config;
        try {
            config = r.config();
        } catch (IllegalArgumentException e) {
            throw Failures.badConfig(e.getMessage());
        }
        FetchedDataset ds = files.dataset(r.dataset(), r.datasetId());
        List<SegmentationItem> seg;
        List<ClassificationItem> cls;
        try {
            CtDataset data = CtDataset.open(ds.root());
            seg = data.segmentation().stream().filter(i -> i.split().equals("train")).toList();
            cls = data.classification().stream().filter(i -> i.split().equals("train")).toList();
        } catch (DataException e) {
            throw Failures.badData(e.getMessage());
        }
        if (seg.isEmpty() || cls.isEmpty()) {
            throw Failures.badData("dataset '" + r.dataset() + "' has " + seg.size()
                    + " segmentation and " + cls.size() + " classification training images; training needs both");
        }
        int epochSize = Math.max(seg.size(), cls.size());
        pulse.heartbeat(keep);
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            PaperTrainer trainer = new PaperTrainer(config, PaperTrainer.newNet(config, manager), manager, seg, cls);
            pulse.heartbeat(keep);
            Checkpoint resumed = resume(trainer, r.workflowId(), attempt, prior);
            pulse.heartbeat(keep);
            int from = trainer.iteration();
            if (resumed != null && from >= config.iterations()) {
                return new TrainResult(from, resumed.objectKey(), resumed.id(), from, false);
            }
            Loop loop = new Loop(r, config.iterations(), attempt, epochSize, pulse, resumed);
            // until its first iteration the loop has nothing newer to say than the start's details
            Runnable start = tick.get();
            tick.set(() -> {
                if (loop.started()) {
                    loop.keepalive();
                } else {
                    start.run();
                }
            });
            int reached = trainer.run(loop, loop::stopping, files.outgoing(r.workflowId(), attempt));
            loop.flushMetrics();
            if (loop.stopCause != null) {
                throw loop.stopCause;
            }
            return new TrainResult(reached, loop.lastKey, loop.lastId, from, false);
        }
    }

    /**
     * Loads the newest usable checkpoint into {@code trainer}: candidates are the registry's checkpoints of the run,
     * newest first (the heartbeat's key is always among them: it is recorded before it is heartbeated). A missing or
     * corrupt object falls back to the one before; a checkpoint of another configuration is a non-retryable error.
     * The attempt's record says where training starts, and names every checkpoint skipped on the way and why.
     */
    private Checkpoint resume(PaperTrainer trainer, String workflowId, int attempt, TrainHeartbeat prior) {
        List<Checkpoint> all = new ArrayList<>(registry.training().checkpoints(workflowId));
        all.sort(Comparator.comparingInt(Checkpoint::iteration).thenComparingInt(Checkpoint::attempt).reversed());
        Optional<Checkpoint> latest = registry.training().latest(workflowId);
        latest.ifPresent(l -> {
            all.remove(l);
            all.add(0, l);
        });
        if (prior != null && prior.checkpointKey() != null && !all.isEmpty()
                && prior.iteration() > all.get(0).iteration()) {
            LOG.warn("run {}: heartbeat names iteration {} beyond the registry's newest checkpoint ({}); using the"
                    + " registry", workflowId, prior.iteration(), all.get(0).iteration());
        }
        int skipped = 0;
        for (Checkpoint c : all) {
            Path file;
            try {
                file = files.checkpoint(c);
            } catch (CorruptCheckpointException e) {
                LOG.warn("run {}: {}; falling back to an earlier checkpoint", workflowId, e.getMessage());
                log.note(workflowId, Stage.TRAIN, attempt, "skipped " + e.getMessage());
                skipped++;
                continue;
            }
            try {
                com.oneshotct.model.train.Checkpoint.load(trainer, file, c.sha256());
            } catch (ForeignCheckpointException e) {
                throw Failures.foreignCheckpoint("checkpoint " + c.objectKey() + " (iteration " + c.iteration()
                        + "): " + e.getMessage());
            } catch (DataException e) {
                LOG.warn("run {}: checkpoint {} unusable ({}); falling back to an earlier one", workflowId,
                        c.objectKey(), e.getMessage());
                log.note(workflowId, Stage.TRAIN, attempt, "skipped checkpoint of iteration " + c.iteration()
                        + " (id " + c.id() + "): object " + c.objectKey() + " does not load: " + e.getMessage());
                skipped++;
                continue;
            }
            LOG.info("run {}: resuming from {} at iteration {}", workflowId, c.objectKey(), c.iteration());
            log.note(workflowId, Stage.TRAIN, attempt, "resumed from " + c.objectKey() + " at iteration "
                    + c.iteration() + (skipped == 0 ? "" : ", the newest usable of the run's checkpoints"));
            return c;
        }
        log.note(workflowId, Stage.TRAIN, attempt, all.isEmpty()
                ? "started at iteration 0: the run has no checkpoint yet"
                : "started at iteration 0: none of the run's " + all.size() + " checkpoints is usable");
        return null;
    }

    /** The loop's listener: metrics, heartbeats, uploads, progress signals, and the stop request. */
    private final class Loop implements PaperTrainer.Listener {
        private final TrainRequest r;
        private final int iterations;
        private final int attempt;
        private final int epochSize;
        private final Pulse pulse;
        private final List<MetricPoint> pending = new ArrayList<>();
        private final long started = System.nanoTime();
        private volatile int firstIteration = -1;
        private long lastProgress;
        // read by the keepalive timer's thread too
        private volatile Map<String, Double> lastLosses = Map.of();
        private volatile int iteration;
        private volatile long lastBeat = System.nanoTime();
        volatile String lastKey;
        volatile long lastId;
        volatile int lastCheckpointIteration;
        volatile ActivityCompletionException stopCause;

        Loop(TrainRequest r, int iterations, int attempt, int epochSize, Pulse pulse, Checkpoint resumed) {
            this.r = r;
            this.iterations = iterations;
            this.attempt = attempt;
            this.epochSize = epochSize;
            this.pulse = pulse;
            if (resumed != null) {
                lastKey = resumed.objectKey();
                lastId = resumed.id();
                lastCheckpointIteration = resumed.iteration();
            }
        }

        /** Whether an iteration has finished in this attempt. */
        boolean started() {
            return firstIteration >= 0;
        }

        boolean stopping() {
            return stopCause != null;
        }

        @Override
        public void iteration(int it, int total, Map<String, Float> losses) {
            iteration = it;
            if (firstIteration < 0) {
                firstIteration = it;
            }
            Map<String, Double> l = new LinkedHashMap<>();
            losses.forEach((k, v) -> l.put(k, v.doubleValue()));
            lastLosses = l;
            int epoch = (it - 1) / epochSize;
            l.forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    pending.add(new MetricPoint(it, epoch, k, v));
                }
            });
            beat();
            long now = System.nanoTime();
            if (now - lastProgress > PROGRESS_EVERY_NANOS || it == total) {
                progress();
                lastProgress = now;
            }
        }

        @Override
        public void checkpoint(int it, Path file, String sha256) {
            String key = "runs/" + r.workflowId() + "/attempt-" + attempt + "/iter-" + it + ".ckpt";
            // write-once: whatever else may write under this run, an uploaded checkpoint is never replaced
            ObjectInfo up = files.store().putNew(key, file);
            if (!up.sha256().equals(sha256)) {
                throw new IllegalStateException("checkpoint " + file + " changed while uploading to " + key);
            }
            LatestMove move;
            try {
                move = registry.training().recordAndAdvance(new NewCheckpoint(r.workflowId(), it, attempt, key,
                        sha256, Files.size(file)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            flushMetrics();
            lastKey = key;
            lastId = move.offered().id();
            lastCheckpointIteration = it;
            if (!move.moved()) {
                LOG.warn("run {}: checkpoint {} is not the latest (the registry names {}); a newer attempt exists",
                        r.workflowId(), key, move.latest().objectKey());
            }
            beat();
            progress();
            try {
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                LOG.warn("cannot delete the uploaded local checkpoint {}: {}", file, e.getMessage());
            }
        }

        void flushMetrics() {
            if (!pending.isEmpty()) {
                registry.training().recordMetrics(r.workflowId(), List.copyOf(pending));
                pending.clear();
            }
        }

        /** The keepalive timer's tick: re-sends the last heartbeat when none went out for {@link #KEEPALIVE}. */
        void keepalive() {
            try {
                if (System.nanoTime() - lastBeat > KEEPALIVE.toNanos()) {
                    beat();
                }
            } catch (RuntimeException e) {
                LOG.debug("run {}: keepalive heartbeat failed: {}", r.workflowId(), e.getMessage());
            }
        }

        private synchronized void beat() {
            lastBeat = System.nanoTime();
            try {
                pulse.heartbeat(new TrainHeartbeat(iteration, lastKey, lastLosses));
            } catch (ActivityCompletionException e) {
                if (stopCause == null) {
                    LOG.info("run {}: training asked to end ({}); writing a final checkpoint", r.workflowId(),
                            e.getClass().getSimpleName());
                    stopCause = e;
                }
            }
        }

        private void progress() {
            double perIteration = iteration > firstIteration && firstIteration >= 0
                    ? (System.nanoTime() - started) / 1e9 / (iteration - firstIteration + 1) : 0;
            try {
                pulse.progress(new TrainProgress(attempt, iteration, iterations, lastLosses, lastKey,
                        perIteration, iteration / (double) epochSize, lastId, lastCheckpointIteration));
            } catch (RuntimeException e) {
                LOG.debug("run {}: progress signal not delivered: {}", r.workflowId(), e.getMessage());
            }
        }
    }
}
