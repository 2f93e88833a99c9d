package com.oneshotct.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.db.NewCheckpoint;
import com.oneshotct.db.AttemptRepository;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Run;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.RegisterMetricsRequest;
import com.oneshotct.workflows.contract.RegisterMetricsResult;
import com.oneshotct.workflows.contract.RegisterRequest;
import com.oneshotct.workflows.contract.RegistryActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.postgresql.ds.PGSimpleDataSource;

/** The registry activities with a real activity context (TestActivityEnvironment) on a real PostgreSQL. */
class RegistryActivitiesImplTest {

    /** TestActivityEnvironment runs every activity as part of this workflow. */
    private static final String RUN = "test-workflow-id";
    private static final String WORKER = "cpu-worker@test-host";
    private static final String REQUEST = "{\"dataset\": \"cncb-demo\", \"backbone\": \"resnet18\", \"iterations\": 40}";

    private RegistrySchema schema;
    private Registry registry;
    private TestActivityEnvironment env;
    private RegistryActivities activities;

    @BeforeEach
    void setUp() {
        schema = new RegistrySchema();
        registry = schema.registry;
        activities = stub(new RegistryActivitiesImpl(registry, WORKER));
    }

    private RegistryActivities stub(RegistryActivitiesImpl impl) {
        if (env != null) {
            env.close();
        }
        env = TestActivityEnvironment.newInstance();
        env.registerActivitiesImplementations(impl);
        return env.newActivityStub(RegistryActivities.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
        schema.close();
    }

    private static RegisterRequest request(String json) {
        return new RegisterRequest(RUN, "temporal-run-1", json, "cfg-hash-1", "resnet18", "cncb-demo");
    }

    /** The failure an activity call ended with, as the workflow would see it. */
    private static ApplicationFailure failure(Executable call) {
        ActivityFailure f = assertThrows(ActivityFailure.class, call);
        return assertInstanceOf(ApplicationFailure.class, f.getCause());
    }

    private List<StageAttempt> attempts(Stage stage) {
        return registry.attempts().attempts(RUN).stream().filter(a -> a.stage() == stage).toList();
    }

    @Test
    void registerRunRecordsTheRunAndItsAttemptAndARepeatChangesNothing() throws Exception {
        activities.registerRun(request(REQUEST));
        Run run = registry.runs().get(RUN);
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(REQUEST), json.readTree(run.requestJson()));
        assertEquals("temporal-run-1", run.temporalRunId());
        assertEquals("cfg-hash-1", run.configHash());
        assertEquals("dev", run.codeVersion(), "classes outside a jar have no Implementation-Version");
        assertEquals("resnet18", run.backbone());
        assertEquals("cncb-demo", run.datasetName());
        assertEquals(RunStatus.REGISTERED, run.status());

        List<StageAttempt> register = attempts(Stage.REGISTER);
        assertEquals(1, register.size());
        assertEquals(Outcome.SUCCEEDED, register.get(0).outcome());
        assertEquals(WORKER, register.get(0).workerIdentity());
        assertEquals("test-activity-env-task-queue", register.get(0).taskQueue());

        // the workflow retrying a registration whose result it lost: the row stays as it was
        activities.registerRun(request(REQUEST));
        assertEquals(run, registry.runs().get(RUN));
        assertEquals(1, schema.count("runs"));
        assertEquals(2, attempts(Stage.REGISTER).size(), "the second execution is history too");
    }

    @Test
    void registerRunRefusesWhatNoRetryFixes() throws Exception {
        ApplicationFailure malformed = failure(() -> activities.registerRun(request("{\"dataset\": ")));
        assertEquals(ErrorTypes.BAD_CONFIG, malformed.getType());
        assertTrue(malformed.isNonRetryable());
        assertTrue(malformed.getOriginalMessage().startsWith("requestJson of run 'test-workflow-id' is not valid JSON"),
                malformed.getOriginalMessage());
        ApplicationFailure array = failure(() -> activities.registerRun(request("[1, 2]")));
        assertEquals("requestJson of run 'test-workflow-id' must be a JSON object, got [1, 2]",
                array.getOriginalMessage());
        assertEquals(0, schema.count("runs"), "nothing half-written");

        activities.registerRun(request(REQUEST));
        ApplicationFailure other = failure(() -> activities.registerRun(request("{\"dataset\": \"other\"}")));
        assertEquals(ErrorTypes.BAD_CONFIG, other.getType());
        assertTrue(other.isNonRetryable());
        assertTrue(other.getOriginalMessage().contains("already registered with a different request"),
                other.getOriginalMessage());
    }

    @Test
    void setRunStatusMovesTheRunAndRepeatsAreHarmless() {
        activities.registerRun(request(REQUEST));
        activities.setRunStatus(RUN, "running", null);
        Run running = registry.runs().get(RUN);
        assertEquals(RunStatus.RUNNING, running.status());
        activities.setRunStatus(RUN, "running", null);
        assertEquals(running, registry.runs().get(RUN), "a repeated move leaves the row untouched");

        activities.setRunStatus(RUN, "waiting", "fetch_dataset: sha256 mismatch");
        assertEquals(RunStatus.WAITING, registry.runs().get(RUN).status());
        assertEquals("fetch_dataset: sha256 mismatch", registry.runs().get(RUN).error());

        ApplicationFailure unknownStatus = failure(() -> activities.setRunStatus(RUN, "paused", null));
        assertEquals(ErrorTypes.BAD_CONFIG, unknownStatus.getType());
        assertTrue(unknownStatus.isNonRetryable());
        assertEquals("unknown run status 'paused': expected one of registered, running, waiting, succeeded,"
                + " failed, aborted, lost", unknownStatus.getOriginalMessage());

        ApplicationFailure failedWithoutReason = failure(() -> activities.setRunStatus(RUN, "failed", null));
        assertEquals(ErrorTypes.BAD_CONFIG, failedWithoutReason.getType());
        assertTrue(failedWithoutReason.getOriginalMessage().contains("runs_failed_has_error"),
                failedWithoutReason.getOriginalMessage());

        ApplicationFailure ghost = failure(() -> activities.setRunStatus("ghost", "running", null));
        assertEquals(ErrorTypes.NOT_FOUND, ghost.getType());
        assertTrue(ghost.isNonRetryable());
        assertEquals("run 'ghost' not found", ghost.getOriginalMessage());
    }

    @Test
    void latestCheckpointIsNullUntilOneIsRecordedThenTheNewest() {
        activities.registerRun(request(REQUEST));
        assertNull(activities.latestCheckpoint(RUN));
        registry.training().recordAndAdvance(checkpoint(10, 1));
        long newest = registry.training().recordAndAdvance(checkpoint(20, 2)).offered().id();
        assertEquals(new CheckpointRef(newest, key(20, 2), 20), activities.latestCheckpoint(RUN));
        assertEquals(ErrorTypes.NOT_FOUND, failure(() -> activities.latestCheckpoint("ghost")).getType());
    }

    @Test
    void registerMetricsPromotesTheCheckpointOnceAndEndsTheRun() {
        activities.registerRun(request(REQUEST));
        activities.setRunStatus(RUN, "running", null);
        long id = registry.training().recordAndAdvance(checkpoint(40, 1)).offered().id();
        CheckpointRef ref = new CheckpointRef(id, key(40, 1), 40);
        // an evaluation whose worker was killed: nothing closed its attempt
        registry.attempts().begin(RUN, Stage.EVALUATE, "ev", 1, "cpu-killed", "oneshot-cpu", Instant.now());

        RegisterMetricsResult first = activities.registerMetrics(new RegisterMetricsRequest(RUN, ref, "oneshot-ct"));
        assertEquals(new RegisterMetricsResult("oneshot-ct", 1), first);
        assertEquals(id, registry.models().byAlias("oneshot-ct", RegistryActivitiesImpl.LATEST_ALIAS).checkpointId());
        Run done = registry.runs().get(RUN);
        assertEquals(RunStatus.SUCCEEDED, done.status());

        // a retry after a lost result: same version, no second version, the run unchanged
        assertEquals(first, activities.registerMetrics(new RegisterMetricsRequest(RUN, ref, "oneshot-ct")));
        assertEquals(1, registry.models().versions("oneshot-ct").size());
        assertEquals(done, registry.runs().get(RUN));
        assertEquals(List.of(Outcome.SUCCEEDED, Outcome.SUCCEEDED),
                attempts(Stage.REGISTER_METRICS).stream().map(StageAttempt::outcome).toList(),
                "the run ended from within register_metrics' attempt, which stays its own to close");
        StageAttempt killed = attempts(Stage.EVALUATE).get(0);
        assertEquals(Outcome.LOST, killed.outcome(), "the run's end closed the attempt its worker left open");
        assertEquals(AttemptRepository.RUN_ENDED, killed.errorClass());
        assertTrue(killed.errorMessage().contains("cpu-killed"), killed.errorMessage());
    }

    @Test
    void aRunEndingByStatusClosesTheAttemptsItsWorkersLeftOpen() {
        activities.registerRun(request(REQUEST));
        activities.setRunStatus(RUN, "running", null);
        registry.attempts().begin(RUN, Stage.FETCH_DATASET, "f", 1, "cpu-killed", "oneshot-cpu", Instant.now());
        activities.setRunStatus(RUN, "waiting", "fetch_dataset: gone");
        assertTrue(attempts(Stage.FETCH_DATASET).get(0).running(), "a waiting run has not ended");
        activities.setRunStatus(RUN, "aborted", "aborted by request");
        StageAttempt fetch = attempts(Stage.FETCH_DATASET).get(0);
        assertEquals(Outcome.LOST, fetch.outcome());
        assertTrue(fetch.errorMessage().startsWith("the run ended (aborted) while this attempt was open"),
                fetch.errorMessage());
    }

    @Test
    void registerMetricsRefusesACheckpointTheRequestMisnames() throws Exception {
        activities.registerRun(request(REQUEST));
        long id = registry.training().recordAndAdvance(checkpoint(40, 1)).offered().id();
        CheckpointRef wrongKey = new CheckpointRef(id, key(30, 1), 30);
        ApplicationFailure f = failure(() -> activities.registerMetrics(
                new RegisterMetricsRequest(RUN, wrongKey, "oneshot-ct")));
        assertEquals(ErrorTypes.BAD_CONFIG, f.getType());
        assertEquals("checkpoint " + id + " is '" + key(40, 1) + "' at iteration 40, but the request names '"
                + key(30, 1) + "' at iteration 30", f.getOriginalMessage());
        ApplicationFailure missing = failure(() -> activities.registerMetrics(
                new RegisterMetricsRequest(RUN, new CheckpointRef(id + 100, "k", 1), "oneshot-ct")));
        assertEquals(ErrorTypes.NOT_FOUND, missing.getType());

        assertEquals(0, schema.count("model_versions"));
        assertEquals(RunStatus.REGISTERED, registry.runs().get(RUN).status());
        List<StageAttempt> tries = attempts(Stage.REGISTER_METRICS);
        assertEquals(List.of("BadConfig", "NotFound"), tries.stream().map(StageAttempt::errorClass).toList());
        assertTrue(tries.stream().allMatch(a -> a.outcome() == Outcome.FAILED));
    }

    @Test
    void anUnreachableDatabaseStaysRetryable() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2");
        RegistryActivities offline = stub(new RegistryActivitiesImpl(new Registry(nowhere), WORKER));
        ApplicationFailure f = failure(() -> offline.setRunStatus(RUN, "running", null));
        assertFalse(f.isNonRetryable(), "a retry may find the database back");
        assertEquals("com.oneshotct.db.RegistryException", f.getType());
    }

    private static String key(int iteration, int attempt) {
        return "runs/" + RUN + "/attempt-" + attempt + "/iter-" + iteration + ".ckpt";
    }

    private static NewCheckpoint checkpoint(int iteration, int attempt) {
        return new NewCheckpoint(RUN, iteration, attempt, key(iteration, attempt), "ab".repeat(32), 1234L);
    }
}
