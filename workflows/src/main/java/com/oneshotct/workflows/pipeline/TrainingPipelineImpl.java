package com.oneshotct.workflows.pipeline;

import static com.oneshotct.workflows.pipeline.ProgressTracker.EVALUATE;
import static com.oneshotct.workflows.pipeline.ProgressTracker.FETCH;
import static com.oneshotct.workflows.pipeline.ProgressTracker.REGISTER;
import static com.oneshotct.workflows.pipeline.ProgressTracker.REGISTER_METRICS;
import static com.oneshotct.workflows.pipeline.ProgressTracker.TRAIN;
import static com.oneshotct.workflows.pipeline.ProgressTracker.VALIDATE;

import com.fasterxml.jackson.databind.JsonNode;
import com.oneshotct.config.TrainConfigJson;
import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.DatasetActivities;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.EvaluateRequest;
import com.oneshotct.workflows.contract.EvaluateResult;
import com.oneshotct.workflows.contract.EvaluationActivities;
import com.oneshotct.workflows.contract.FetchRequest;
import com.oneshotct.workflows.contract.FetchResult;
import com.oneshotct.workflows.contract.RegisterMetricsRequest;
import com.oneshotct.workflows.contract.RegisterMetricsResult;
import com.oneshotct.workflows.contract.RegisterRequest;
import com.oneshotct.workflows.contract.RegistryActivities;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import com.oneshotct.workflows.contract.TrainResult;
import com.oneshotct.workflows.contract.TrainingActivities;
import com.oneshotct.workflows.contract.ValidateRequest;
import com.oneshotct.workflows.contract.ValidateResult;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The pipeline: register, fetch dataset, train, evaluate, register metrics (see {@link TrainingPipeline}).
 *
 * <p>A stage whose activity fails for good (retries exhausted, or a non-retryable error) parks the run: the
 * registry says {@code waiting} with the failure, and the workflow waits up to {@code parkTimeout} for
 * {@code retryStage} (that stage runs again; finished stages never do) or {@code abort}; the deadline aborts.
 * {@code stop} cancels training (the activity checkpoints, then acknowledges), looks up the run's latest checkpoint
 * and evaluates it; a run stopped before any checkpoint exists ends aborted. {@code abort} sent while a stage runs
 * takes effect when that stage ends.
 */
public class TrainingPipelineImpl implements TrainingPipeline {
    static final String RUNNING = "running";
    static final String WAITING = "waiting";
    static final String ABORTED = "aborted";
    static final String SUCCEEDED = "succeeded";
    /** The first version of this code; a later non-deterministic change branches on a higher one. */
    static final String VERSION_CHANGE_ID = "pipeline-v1";
    /** Checkpoint validation beside training; histories recorded before it replay without it. */
    static final String VALIDATION_CHANGE_ID = "checkpoint-validation";

    private static final Logger log = Workflow.getLogger(TrainingPipelineImpl.class);

    private final ProgressTracker tracker = new ProgressTracker();
    private boolean stopRequested;
    private boolean retryRequested;
    private String abortReason;

    private String id;
    private PipelineInput in;
    private RegistryActivities registry;
    private FetchResult data;
    private CheckpointRef checkpoint;
    private Promise<TrainResult> training;
    /** Set once a stop turned the train stage into a checkpoint lookup: a stop no longer wakes its park. */
    private boolean lookingUp;
    /** Checkpoint validation; null when the run does not validate. */
    private CheckpointScoring scoring;
    /** Why training was stopped early, else null. */
    private String earlyStop;

    /** Ends the run as aborted with this message; thrown from anywhere in the stages, caught in {@link #run}. */
    private static final class Aborted extends RuntimeException {
        Aborted(String message) {
            super(message, null, false, false);
        }
    }

    /** What the train stage leaves: the checkpoint to evaluate (null: none exists), and whether a stop ended it. */
    private record Trained(CheckpointRef checkpoint, boolean stopped) {}

    @Override
    public PipelineResult run(JsonNode input) {
        String idProblem = RunIds.problem(Workflow.getInfo().getWorkflowId());
        if (idProblem != null) {
            // the id names the run's objects and rows: refuse it before anything is written
            throw ApplicationFailure.newNonRetryableFailure("run id '"
                    + RunIds.printable(Workflow.getInfo().getWorkflowId()) + "' " + idProblem, ErrorTypes.BAD_CONFIG);
        }
        try {
            in = PipelineInput.parse(input);
        } catch (IllegalArgumentException e) {
            // before any activity: a bad request leaves nothing in the registry
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), ErrorTypes.BAD_CONFIG);
        }
        // Recorded in every history from the first one, so a later change can ask for a version 2 and branch.
        int version = Workflow.getVersion(VERSION_CHANGE_ID, Workflow.DEFAULT_VERSION, 1);
        log.debug("pipeline code version {}", version);
        id = Workflow.getInfo().getWorkflowId();
        tracker.total(in.train().iterations());
        registry = Workflow.newActivityStub(RegistryActivities.class, StageOptions.registry(in));
        try {
            return stages();
        } catch (Aborted a) {
            tracker.finished(ABORTED);
            bookkeep(ABORTED, a.getMessage());
            return new PipelineResult(id, ABORTED, data == null ? null : data.datasetId(), tracker.iteration(),
                    checkpoint, Map.of(), null, 0, a.getMessage(), scoring == null ? null : scoring.snapshot());
        } catch (RuntimeException e) {
            if (Failures.isCancel(e)) {
                // the run itself was cancelled: its own scope is gone, so the registry is told from a detached one
                tracker.finished(ABORTED);
                Workflow.newDetachedCancellationScope(() -> bookkeep(ABORTED, "the workflow was cancelled")).run();
            }
            throw e;
        }
    }

    private PipelineResult stages() {
        DatasetActivities datasets = Workflow.newActivityStub(DatasetActivities.class, StageOptions.fetch(in));
        EvaluationActivities evaluation =
                Workflow.newActivityStub(EvaluationActivities.class, StageOptions.evaluate(in));
        if (Workflow.getVersion(VALIDATION_CHANGE_ID, Workflow.DEFAULT_VERSION, 1) >= 1
                && in.validation().enabled()) {
            EvaluationActivities validation =
                    Workflow.newActivityStub(EvaluationActivities.class, StageOptions.validate(in));
            scoring = new CheckpointScoring(in.validation(), in.train().checkpointInterval(),
                    c -> Async.function(validation::validate, new ValidateRequest(id, in.dataset(), data.datasetId(),
                            c, in.validation().split(), in.validation().images(), in.train().backbone().id(),
                            in.train().imageSize(), in.device())));
        }

        stage(REGISTER, () -> {
            RegisterRequest request = new RegisterRequest(id, Workflow.getInfo().getRunId(), in.toJson().toString(),
                    in.configHash(), in.train().backbone().id(), in.dataset());
            counted(StageOptions.REGISTRY_ATTEMPTS, () -> {
                registry.registerRun(request);
                return null;
            });
            registry.setRunStatus(id, RUNNING, null);
            return null;
        });
        data = stage(FETCH, () -> counted(StageOptions.FETCH_ATTEMPTS,
                () -> datasets.fetchDataset(new FetchRequest(id, in.dataset(), in.datasetVersion()))));
        Trained trained = stage(TRAIN, this::train);
        checkpoint = trained.checkpoint();
        if (checkpoint == null) {
            throw new Aborted("stopped before any checkpoint was written: nothing to evaluate");
        }
        CheckpointRef last = checkpoint;
        if (scoring != null) {
            checkpoint = stage(VALIDATE, () -> select(last));
        }
        EvaluateResult evaluated = stage(EVALUATE, () -> counted(StageOptions.EVALUATE_ATTEMPTS,
                () -> evaluation.evaluate(new EvaluateRequest(id, in.dataset(), data.datasetId(), checkpoint,
                        in.evalSplits(), in.train().backbone().id(), in.train().imageSize(), in.device()))));
        RegisterMetricsResult model = stage(REGISTER_METRICS, () -> counted(StageOptions.REGISTRY_ATTEMPTS,
                () -> registry.registerMetrics(new RegisterMetricsRequest(id, checkpoint, in.modelName(),
                        scoring == null ? null : last))));
        tracker.finished(SUCCEEDED);
        String note = earlyStop != null ? earlyStop
                : trained.stopped()
                ? "stopped by request after " + last.iteration() + " of " + in.train().iterations() + " iterations"
                : null;
        return new PipelineResult(id, SUCCEEDED, data.datasetId(), last.iteration(), checkpoint,
                evaluated.metrics(), model.modelName(), model.version(), note,
                scoring == null ? null : scoring.snapshot());
    }

    /**
     * Runs one stage until it succeeds, parking after each failure; returns its result or throws {@link Aborted}.
     */
    private <T> T stage(String name, Supplier<T> body) {
        while (true) {
            if (abortReason != null) {
                throw new Aborted(abortMessage());
            }
            tracker.enter(name);
            try {
                return body.get();
            } catch (ActivityFailure f) {
                if (Failures.isCancel(f)) {
                    throw f;
                }
                park(name, Failures.describe(name, f));
            }
        }
    }

    /** One scheduling of a stage's main activity, counted for the progress query's attempts. */
    private <T> T counted(int maxAttempts, Supplier<T> call) {
        tracker.passStarted();
        try {
            return call.get();
        } catch (ActivityFailure f) {
            if (f.getRetryState() == RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED) {
                tracker.attemptsAtLeast(maxAttempts);
            }
            throw f;
        }
    }

    /**
     * Trains in a scope of its own so that {@code stop} can cancel just this activity; the activity's options wait
     * for the cancellation to complete, i.e. for its final checkpoint.
     */
    private Trained train() {
        if (stopRequested) {
            return latestCheckpoint();
        }
        TrainRequest request = new TrainRequest(id, in.dataset(), data.datasetId(), in.device(),
                TrainConfigJson.write(in.train()));
        TrainingActivities trainer = Workflow.newActivityStub(TrainingActivities.class, StageOptions.train(in));
        tracker.passStarted();
        CancellationScope scope = Workflow.newCancellationScope(
                () -> training = Async.function(trainer::train, request));
        scope.run();
        // the GPU never waits for scoring: this loop only starts validations (on the CPU queue) as checkpoints
        // are reported and slots free up, until training ends or a stop (asked for, or early) cancels it
        while (true) {
            Workflow.await(() -> training.isCompleted() || stopRequested || scoring != null && scoring.ready());
            if (scoring != null) {
                scoring.pump();
                stopIfStale();
            }
            if (training.isCompleted() || stopRequested) {
                break;
            }
        }
        if (!training.isCompleted()) {
            tracker.stopping();
            scope.cancel("stop requested");
        }
        try {
            TrainResult done = training.get();
            CheckpointRef last = new CheckpointRef(done.checkpointId(), done.checkpointKey(), done.iteration());
            tracker.trained(last);
            return new Trained(last, done.stopped());
        } catch (ActivityFailure f) {
            if (stopRequested && Failures.isCancel(f)) {
                return latestCheckpoint();
            }
            if (f.getRetryState() == RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED) {
                tracker.attemptsAtLeast(StageOptions.TRAIN_ATTEMPTS);
            }
            throw f;
        }
    }

    /** Early stop: training has not improved for {@code earlyStop} scored checkpoints; the run stops itself. */
    private void stopIfStale() {
        if (earlyStop == null && !stopRequested && scoring.stale()) {
            ValidationProgress v = scoring.snapshot();
            earlyStop = String.format(Locale.ROOT, "stopped early: %d scored checkpoints without improving on"
                    + " iteration %d (%s %.4f)", v.sinceBest(), v.bestIteration(), v.metric(), v.best());
            log.info("run {}: {}", id, earlyStop);
            stopRequested = true;
        }
    }

    /**
     * After training: the last checkpoint is a candidate whatever its number; checkpoints the workflow did not
     * hear of (a lost progress signal) are taken from the registry; then every scoring ends and the best is chosen.
     * With no checkpoint scored (every scoring failed) the last one is chosen; the result's validation shows the
     * failures and no score.
     */
    private CheckpointRef select(CheckpointRef last) {
        scoring.offer(last, true);
        for (CheckpointRef c : registry.checkpoints(id)) {
            if (c.iteration() <= last.iteration()) {
                scoring.offer(c, false);
            }
        }
        while (true) {
            scoring.pump();
            if (!scoring.busy()) {
                break;
            }
            Workflow.await(() -> scoring.ready() || abortReason != null);
            if (abortReason != null) {
                throw new Aborted(abortMessage());
            }
        }
        scoring.close();
        CheckpointRef best = scoring.best();
        if (best == null) {
            log.warn("run {}: no checkpoint could be validated ({} scorings failed, first: {}); testing the last one",
                    id, scoring.failedCount(), scoring.firstError());
            return last;
        }
        return best;
    }

    /** After a stop the registry, not the cancelled activity, says which checkpoint is the newest. */
    private Trained latestCheckpoint() {
        lookingUp = true;
        tracker.stopping();
        CheckpointRef last = registry.latestCheckpoint(id);
        tracker.trained(last);
        return new Trained(last, true);
    }

    /**
     * Records the failure and waits for a signal. Returns when the stage should run again; throws {@link Aborted}
     * on abort, on the deadline, or on a stop while a stage before training waits (there is nothing to evaluate).
     */
    private void park(String name, String why) {
        boolean stopWakes = REGISTER.equals(name) || FETCH.equals(name) || TRAIN.equals(name) && !lookingUp;
        if (stopWakes && stopRequested && TRAIN.equals(name)) {
            return; // the next pass evaluates what exists instead of training again
        }
        log.warn("run {} waits for retryStage or abort: {}", id, why);
        tracker.waiting(why);
        retryRequested = false;
        bookkeep(WAITING, why);
        boolean woke = Workflow.await(in.parkTimeout(),
                () -> retryRequested || abortReason != null || stopWakes && stopRequested);
        if (abortReason != null) {
            throw new Aborted(abortMessage() + " (while waiting after: " + why + ")");
        }
        if (!woke) {
            throw new Aborted("no retryStage or abort signal within " + in.parkTimeout() + " after: " + why);
        }
        if (!retryRequested && !TRAIN.equals(name)) {
            throw new Aborted("stopped while stage " + name + " waited for a retry: training never started, "
                    + "nothing to evaluate (after: " + why + ")");
        }
        tracker.running();
        bookkeep(RUNNING, null);
    }

    private String abortMessage() {
        return "aborted by request: " + abortReason;
    }

    /**
     * A status write that must not decide the run's fate: if the registry is unreachable even after retries, the
     * workflow carries on (the progress query still tells the truth) rather than losing the run over bookkeeping.
     */
    private void bookkeep(String status, String error) {
        try {
            registry.setRunStatus(id, status, error);
        } catch (ActivityFailure f) {
            if (Failures.isCancel(f)) {
                throw f;
            }
            log.warn("run {}: could not record status {}: {}", id, status, f.getMessage());
        }
    }

    @Override
    public PipelineProgress progress() {
        PipelineProgress p = tracker.snapshot();
        return scoring == null ? p : p.withValidation(scoring.snapshot());
    }

    @Override
    public void stop() {
        stopRequested = true;
    }

    @Override
    public void retryStage() {
        retryRequested = true;
    }

    @Override
    public void abort(String reason) {
        abortReason = reason == null || reason.isBlank() ? "no reason given" : reason;
    }

    @Override
    public void trainingProgress(TrainProgress progress) {
        tracker.trainingProgress(progress);
        if (scoring != null && progress != null && progress.checkpointId() > 0) {
            scoring.offer(new CheckpointRef(progress.checkpointId(), progress.checkpointKey(),
                    progress.checkpointIteration()), false);
        }
    }
}
