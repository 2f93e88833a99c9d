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

    public synchronized List<String> calls() {
        return List.copyOf(calls);
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
            return new RegisterMetricsResult(request.modelName(), MODEL_VERSION);
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
            CheckpointRef first = checkpoint(request.workflowId(), attempt, done);
            latest.put(request.workflowId(), first);
            signal(request, new TrainProgress(attempt, done, request.config().iterations(), Map.of("loss", 1.0 / attempt),
                    first.objectKey(), 0.5, done / (double) FAKE_SPLIT));
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
            return new TrainResult(last.iteration(), last.objectKey(), last.id(), 0, false);
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
