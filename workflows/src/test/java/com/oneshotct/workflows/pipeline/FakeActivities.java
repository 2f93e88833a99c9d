package com.oneshotct.workflows.pipeline;

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
import com.oneshotct.workflows.contract.RegisterSweepRequest;
import com.oneshotct.workflows.contract.RegistryActivities;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import com.oneshotct.workflows.contract.TrainResult;
import com.oneshotct.workflows.contract.TrainingActivities;
import com.oneshotct.workflows.contract.ValidateRequest;
import com.oneshotct.workflows.contract.ValidateResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * In-memory stand-ins for the four activity interfaces, recording every call in order. The workflow's orchestration
 * is under test here, not the activities (they have their own tests against real storage and a real database).
 */
public final class FakeActivities {
    static final String DATASET_ID = "ab".repeat(32);
    static final Map<String, Map<String, Double>> METRICS = Map.of("test", Map.of("accuracy", 0.75));
    static final int MODEL_VERSION = 3;
    /** The training split size the fake's progress signals count epochs by. */
    static final int FAKE_SPLIT = 8;
    /** Where a cancelled fake training writes its final checkpoint. */
    static final int STOPPED_AT = 5;

    public enum TrainMode { FINISH, FAIL_FIRST_ATTEMPT, WAIT_FOR_RELEASE, UNTIL_CANCELLED }

    /** Calls in order, e.g. {@code setRunStatus waiting}. */
    final List<String> calls = new ArrayList<>();
    /** Task queue each activity type ran on. */
    final Map<String, String> queues = new ConcurrentHashMap<>();
    final List<String[]> statuses = new ArrayList<>();
    final List<RegisterRequest> registered = new ArrayList<>();
    final List<TrainRequest> trainRequests = new ArrayList<>();
    final List<EvaluateRequest> evaluated = new ArrayList<>();
    final List<ValidateRequest> validated = new ArrayList<>();
    final List<RegisterMetricsRequest> promoted = new ArrayList<>();
    /** Every checkpoint each run's fake training wrote, by workflow id, oldest first. */
    final Map<String, List<CheckpointRef>> written = new ConcurrentHashMap<>();
    /**
     * The fake's validation score (weighted F1) by run and checkpoint iteration; absent: 0.5 + iteration / 10^6,
     * so by default the last checkpoint is the best and the run tests it, as a run without validation does.
     */
    public final Map<String, Map<Integer, Double>> validationByRun = new ConcurrentHashMap<>();
    /** Validations that fail non-retryably, by run and checkpoint iteration. */
    public final Map<String, Set<Integer>> failValidation = new ConcurrentHashMap<>();
    /** Held open until released: validations of these iterations wait on {@link #validationRelease}. */
    public final Set<Integer> holdValidation = ConcurrentHashMap.newKeySet();
    public final CountDownLatch validationRelease = new CountDownLatch(1);
    /** Checkpoints the fake training writes in all, every checkpointInterval iterations (0: first and last only). */
    public volatile boolean everyCheckpoint;
    /** Milliseconds between the fake training's checkpoints when it writes every one. */
    public volatile long checkpointPauseMillis = 50;
    /** Checkpoint iterations whose progress signal the fake training does not send (a lost signal). */
    public final Set<Integer> dropSignals = ConcurrentHashMap.newKeySet();
    /** How long each fake validation takes. */
    public volatile long validationMillis = 0;
    /** Counted down when a fake training returns its result. */
    public final CountDownLatch trainFinished = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger validating = new java.util.concurrent.atomic.AtomicInteger();
    /** The most validations that ran at once. */
    public final java.util.concurrent.atomic.AtomicInteger maxValidating = new java.util.concurrent.atomic.AtomicInteger();
    final List<Duration> trainHeartbeatTimeouts = new ArrayList<>();

    volatile String fetchFailure;
    volatile CountDownLatch fetchGate = new CountDownLatch(0);
    public volatile TrainMode trainMode = TrainMode.FINISH;
    public final CountDownLatch trainStarted = new CountDownLatch(1);
    final CountDownLatch trainRelease = new CountDownLatch(1);
    /** The newest checkpoint each run's fake training wrote, by workflow id. */
    final Map<String, CheckpointRef> latest = new ConcurrentHashMap<>();
    /** Evaluation metrics by run, where a test wants them to differ; others get {@link #METRICS}. */
    public final Map<String, Map<String, Map<String, Double>>> metricsByRun = new ConcurrentHashMap<>();
    /** The sweeps recorded, in order. */
    final List<RegisterSweepRequest> sweeps = new ArrayList<>();
    /** The error type registerSweep fails with (BadConfig: at once; any other: on every attempt); null: it works. */
    public volatile String sweepRegistryFailure;
    /** Runs whose training fails non-retryably (BadData), so that they park. */
    public final Set<String> failTraining = ConcurrentHashMap.newKeySet();

    private final WorkflowClient client;

    FakeActivities(WorkflowClient client) {
        this.client = client;
    }

    private synchronized void record(String call) {
        ActivityInfo info = Activity.getExecutionContext().getInfo();
        queues.put(info.getActivityType(), info.getActivityTaskQueue());
        calls.add(call);
    }

    /**
     * The stage calls in order: every call but the checkpoint validations ({@code validate <iteration>}) and the
     * catch-up lookup ({@code checkpoints}), which run beside training in no fixed order (see
     * {@link #validationCalls}).
     */
    public synchronized List<String> calls() {
        return calls.stream().filter(c -> !validation(c)).toList();
    }

    /** The validation calls, in the order they ran. */
    public synchronized List<String> validationCalls() {
        return calls.stream().filter(FakeActivities::validation).toList();
    }

    public synchronized List<String> allCalls() {
        return List.copyOf(calls);
    }

    private static boolean validation(String call) {
        return call.startsWith("validate ") || call.equals("checkpoints");
    }

    public synchronized List<ValidateRequest> validated() {
        return List.copyOf(validated);
    }

    public synchronized List<RegisterMetricsRequest> promoted() {
        return List.copyOf(promoted);
    }

    public synchronized List<RegisterSweepRequest> sweeps() {
        return List.copyOf(sweeps);
    }

    public synchronized List<TrainRequest> trainRequests() {
        return List.copyOf(trainRequests);
    }

    synchronized List<String[]> statuses() {
        return List.copyOf(statuses);
    }

    final RegistryActivities registry = new RegistryActivities() {
        @Override
        public void registerRun(RegisterRequest request) {
            record("registerRun");
            synchronized (FakeActivities.this) {
                registered.add(request);
            }
        }

        @Override
        public void setRunStatus(String workflowId, String status, String error) {
            record("setRunStatus " + status);
            synchronized (FakeActivities.this) {
                statuses.add(new String[] {status, error});
            }
        }

        @Override
        public CheckpointRef latestCheckpoint(String workflowId) {
            record("latestCheckpoint");
            return latest.get(workflowId);
        }

        @Override
        public RegisterMetricsResult registerMetrics(RegisterMetricsRequest request) {
            record("registerMetrics");
            synchronized (FakeActivities.this) {
                promoted.add(request);
            }
            return new RegisterMetricsResult(request.modelName(), MODEL_VERSION);
        }

        @Override
        public List<CheckpointRef> checkpoints(String workflowId) {
            record("checkpoints");
            return List.copyOf(written.getOrDefault(workflowId, List.of()));
        }

        @Override
        public void registerSweep(RegisterSweepRequest request) {
            record("registerSweep " + request.sweepId());
            String failure = sweepRegistryFailure;
            if (failure != null) {
                throw ApplicationFailure.newFailure("simulated registry failure for " + request.sweepId(), failure);
            }
            synchronized (FakeActivities.this) {
                sweeps.add(request);
            }
        }

        @Override
        public void setSweepStatus(String sweepId, String status) {
            record("setSweepStatus " + sweepId + " " + status);
        }
    };

    final DatasetActivities datasets = new DatasetActivities() {
        @Override
        public FetchResult fetchDataset(FetchRequest request) {
            record("fetchDataset");
            await(fetchGate);
            String failure = fetchFailure;
            if (failure != null) {
                // BadData is in every policy's non-retryable list, so this must fail the stage at once
                throw ApplicationFailure.newFailure(failure, ErrorTypes.BAD_DATA);
            }
            return new FetchResult(DATASET_ID, 12, 3456, 12, 3456);
        }
    };

    final TrainingActivities training = new TrainingActivities() {
        @Override
        public TrainResult train(TrainRequest request) {
            record("train");
            ActivityExecutionContext ctx = Activity.getExecutionContext();
            int attempt = ctx.getInfo().getAttempt();
            synchronized (FakeActivities.this) {
                trainRequests.add(request);
                trainHeartbeatTimeouts.add(ctx.getInfo().getHeartbeatTimeout());
            }
            int done = Math.min(request.config().checkpointInterval(), request.config().iterations());
            CheckpointRef first = write(request, attempt, done);
            if (everyCheckpoint) {
                int interval = request.config().checkpointInterval();
                for (int it = 2 * interval; it < request.config().iterations(); it += interval) {
                    sleep(checkpointPauseMillis);
                    try {
                        ctx.heartbeat(it);
                    } catch (ActivityCompletionException e) {
                        // stopped (early or by request): a final checkpoint where it is, then acknowledge
                        CheckpointRef last = checkpoint(request.workflowId(), attempt, it);
                        latest.put(request.workflowId(), last);
                        written.computeIfAbsent(request.workflowId(), k -> new ArrayList<>()).add(last);
                        throw e;
                    }
                    write(request, attempt, it);
                }
            }
            if (failTraining.contains(request.workflowId())) {
                throw ApplicationFailure.newFailure("simulated bad data for " + request.workflowId(),
                        ErrorTypes.BAD_DATA);
            }
            switch (trainMode) {
                case FAIL_FIRST_ATTEMPT -> {
                    if (attempt == 1) {
                        throw ApplicationFailure.newFailure("simulated lost worker", "WorkerLost");
                    }
                }
                case WAIT_FOR_RELEASE -> {
                    trainStarted.countDown();
                    await(trainRelease);
                }
                case UNTIL_CANCELLED -> {
                    trainStarted.countDown();
                    try {
                        while (true) {
                            ctx.heartbeat(done);
                            sleep(10);
                        }
                    } catch (ActivityCompletionException e) {
                        // like the real activity: a final checkpoint, slowly, before acknowledging; a workflow that
                        // did not wait for the acknowledgement would look up the older one
                        sleep(300);
                        latest.put(request.workflowId(), checkpoint(request.workflowId(), attempt, STOPPED_AT));
                        throw e;
                    }
                }
                case FINISH -> { }
            }
            CheckpointRef last = checkpoint(request.workflowId(), attempt, request.config().iterations());
            latest.put(request.workflowId(), last);
            written.computeIfAbsent(request.workflowId(), k -> new ArrayList<>()).add(last);
            trainFinished.countDown();
            return new TrainResult(last.iteration(), last.objectKey(), last.id(), 0, false);
        }

        /** A checkpoint recorded and reported, as the real activity does after each upload. */
        private CheckpointRef write(TrainRequest request, int attempt, int iteration) {
            CheckpointRef c = checkpoint(request.workflowId(), attempt, iteration);
            latest.put(request.workflowId(), c);
            written.computeIfAbsent(request.workflowId(), k -> new ArrayList<>()).add(c);
            if (dropSignals.contains(iteration)) {
                return c;
            }
            signal(request, new TrainProgress(attempt, iteration, request.config().iterations(),
                    Map.of("loss", 1.0 / attempt), c.objectKey(), 0.5, iteration / (double) FAKE_SPLIT, c.id(),
                    iteration));
            return c;
        }
    };

    final EvaluationActivities evaluation = new EvaluationActivities() {
        @Override
        public EvaluateResult evaluate(EvaluateRequest request) {
            record("evaluate");
            synchronized (FakeActivities.this) {
                evaluated.add(request);
            }
            return new EvaluateResult(request.checkpoint(), Map.of("test", 11L),
                    metricsByRun.getOrDefault(request.workflowId(), METRICS));
        }

        @Override
        public ValidateResult validate(ValidateRequest request) {
            int it = request.checkpoint().iteration();
            record("validate " + it);
            synchronized (FakeActivities.this) {
                validated.add(request);
            }
            maxValidating.accumulateAndGet(validating.incrementAndGet(), Math::max);
            try {
                if (holdValidation.contains(it)) {
                    await(validationRelease);
                }
                sleep(validationMillis);
            } finally {
                validating.decrementAndGet();
            }
            if (failValidation.getOrDefault(request.workflowId(), Set.of()).contains(it)) {
                throw ApplicationFailure.newFailure("simulated unreadable checkpoint", ErrorTypes.BAD_DATA);
            }
            double f1 = validationByRun.getOrDefault(request.workflowId(), Map.of()).getOrDefault(it, 0.5 + it / 1e6);
            return new ValidateResult(request.checkpoint(), 100 + it, Map.of("weighted_f1", f1, "map", f1 / 2),
                    null, 2, 3, 0.01);
        }
    };

    /** Checkpoint ids encode attempt and iteration, so a test can tell which checkpoint reached which stage. */
    static CheckpointRef checkpoint(String workflowId, int attempt, int iteration) {
        return new CheckpointRef(1000L * attempt + iteration,
                "runs/" + workflowId + "/attempt-" + attempt + "/iter-" + iteration + ".ckpt", iteration);
    }

    private void signal(TrainRequest request, TrainProgress progress) {
        client.newWorkflowStub(TrainingPipeline.class, request.workflowId()).trainingProgress(progress);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the fake activity");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
