package com.oneshotct.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.activities.store.StoreUnavailableException;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Database;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.runtime.FaultyBlobStore.Trip;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One small pipeline run (ResNet18 at 64 px, 2 iterations, a checkpoint after each) on real services that go down
 * under it, each outage started at a chosen request and ended by a restart on the same port and data:
 * <ol>
 *   <li>PostgreSQL, while {@code registerRun} waits inside its INSERT into {@code runs};</li>
 *   <li>the object store, at the third dataset object the fetch downloads;</li>
 *   <li>the object store, as the upload of iteration 2's checkpoint begins;</li>
 *   <li>PostgreSQL, while {@code registerMetrics} waits inside its INSERT into {@code model_versions}.</li>
 * </ol>
 * A test's own PostgreSQL holds a table lock to catch the writer mid-statement; S3Proxy serves a
 * {@link FaultyBlobStore}. Temporal (the SDK's test server, real time) retries what failed; the run must finish as
 * if nothing happened, every checkpoint row naming an object with its bytes, and no row written twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageTest {
    private static final String WF = "outage-1";
    private static final String DATASET = "outage-data";
    private static final Duration DOWN = Duration.ofSeconds(2);

    @TempDir
    static Path tmp;

    private RestartablePostgres pg;
    private Database db;
    private Registry registry;
    private EmbeddedS3 s3;
    private ObjectStore store;
    private PipelineResult result;
    private final List<Trip> trips = new ArrayList<>();
    private final List<String> timeline = new ArrayList<>();
    private final long t0 = System.nanoTime();

    @BeforeAll
    void runThroughOutages() throws Exception {
        pg = new RestartablePostgres(tmp.resolve("postgres"));
        db = Database.open(pg.config());
        db.migrate();
        registry = db.registry();
        Trip fetch = FaultyBlobStore.Trip.onNth("outage during the dataset fetch", 3, (op, key) ->
                op.equals(FaultyBlobStore.GET) && key.startsWith("datasets/" + DATASET + "/")
                        && !key.endsWith("/manifest.json"));
        Trip upload = new Trip("outage during a checkpoint upload", (op, key) ->
                op.equals(FaultyBlobStore.PUT) && key.endsWith("/iter-2.ckpt"));
        trips.addAll(List.of(fetch, upload));
        s3 = startS3(0);
        store = new ObjectStore(new S3Config(s3.endpoint(), s3.accessKey(), s3.secretKey(), "oneshot"));
        store.ensureBucket();
        Path data = tmp.resolve("synthetic");
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(7).withSize(64).withCounts(2, 1, 3, 2))
                .write(data, line -> { });
        new DatasetPush(store).push(data, DATASET);

        TestEnvironmentOptions realTime = TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build();
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(realTime)) {
            Activities acts = Activities.of(registry, store, new DatasetCache(tmp.resolve("cache")),
                    tmp.resolve("work"), Device.cpu(), "outage-worker", env.getWorkflowClient());
            acts.registerCpu(env.newWorker("oneshot-cpu"));
            acts.registerGpu(env.newWorker("oneshot-gpu"));
            env.start();
            TrainingPipeline pipeline = env.getWorkflowClient().newWorkflowStub(TrainingPipeline.class,
                    WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(WF)
                            .setWorkflowRunTimeout(Duration.ofMinutes(10)).build());

            Connection runsLock = pg.lock("runs");
            WorkflowClient.start(pipeline::run, new ObjectMapper().readTree("{\"dataset\": \"" + DATASET + "\","
                    + " \"imageSize\": 64, \"iterations\": 2, \"checkpointInterval\": 1,"
                    + " \"heartbeatTimeout\": \"PT30S\"}"));
            pg.awaitBlocked("INSERT INTO runs", Duration.ofMinutes(2));
            log("registerRun waits in INSERT INTO runs: PostgreSQL stops");
            pg.restart(DOWN);
            closeQuietly(runsLock);
            log("PostgreSQL is back");
            Connection modelLock = pg.lock("model_versions");

            log("object store stops at " + fetch.fired.get(3, TimeUnit.MINUTES));
            s3 = restartS3(s3);
            log("object store stops at " + upload.fired.get(5, TimeUnit.MINUTES));
            s3 = restartS3(s3);

            pg.awaitBlocked("INSERT INTO model_versions", Duration.ofMinutes(5));
            log("registerMetrics waits in INSERT INTO model_versions: PostgreSQL stops");
            pg.restart(DOWN);
            closeQuietly(modelLock);
            log("PostgreSQL is back");
            result = WorkflowStub.fromTyped(pipeline).getResult(5, TimeUnit.MINUTES, PipelineResult.class);
            log("run ended " + result.status());
        } finally {
            System.out.println("OutageTest timeline:\n  " + String.join("\n  ", timeline));
        }
    }

    @AfterAll
    void stop() {
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (db != null) {
            db.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void objectStoreOutagesDuringFetchAndUploadLoseNoCheckpoint() {
        assertEquals("succeeded", result.status(), result.message());
        assertEquals(2, result.iterations());

        // the outages happened where they were meant to, and the stages got over them by retrying
        StageAttempt fetchFailed = attempts(Stage.FETCH_DATASET).get(0);
        assertEquals(StoreUnavailableException.class.getName(), fetchFailed.errorClass());
        assertEquals(Outcome.SUCCEEDED, last(Stage.FETCH_DATASET).outcome());
        List<StageAttempt> train = attempts(Stage.TRAIN);
        assertEquals(2, train.size(), train.toString());
        assertEquals(StoreUnavailableException.class.getName(), train.get(0).errorClass());
        assertEquals("started at iteration 0: the run has no checkpoint yet", train.get(0).note());
        assertEquals(Outcome.SUCCEEDED, train.get(1).outcome());
        assertEquals("resumed from runs/" + WF + "/attempt-1/iter-1.ckpt at iteration 1", train.get(1).note(),
                "the second attempt resumed from the checkpoint the first one did upload");

        // the checkpoint whose upload failed was never recorded; every recorded one is in the store, byte for byte
        List<Checkpoint> cks = registry.training().checkpoints(WF);
        assertEquals(List.of("runs/" + WF + "/attempt-1/iter-1.ckpt", "runs/" + WF + "/attempt-2/iter-2.ckpt"),
                cks.stream().map(Checkpoint::objectKey).toList());
        for (Checkpoint c : cks) {
            Path back = tmp.resolve("back-" + c.id() + ".ckpt");
            assertEquals(c.sha256(), store.get(c.objectKey(), back).sha256(), c.objectKey());
            assertEquals(c.bytes(), back.toFile().length(), c.objectKey());
            assertTrue(back.toFile().delete());
        }
        assertEquals("runs/" + WF + "/attempt-2/iter-2.ckpt", registry.training().latest(WF).orElseThrow().objectKey());
    }

    @Test
    void databaseOutagesDuringRegistrationLeaveNoDuplicateRows() throws SQLException {
        assertEquals("succeeded", result.status(), result.message());
        assertEquals(1, count("runs WHERE workflow_id = '" + WF + "'"));
        // one row per Temporal execution of an activity, however often its bookkeeping was retried
        assertEquals(count("stage_attempts"), count("(SELECT DISTINCT stage, activity_id, temporal_attempt"
                + " FROM stage_attempts) d"));
        // registerRun's first execution died in its INSERT, before its attempt row: only the retry is recorded
        for (StageAttempt a : attempts(Stage.REGISTER)) {
            assertEquals(Outcome.SUCCEEDED, a.outcome(), a.toString());
        }
        // registerMetrics' first execution died after its attempt row began: that row never succeeded (the retry
        // that began after it closed it as lost if it could not close itself), the retry did
        List<StageAttempt> metrics = attempts(Stage.REGISTER_METRICS);
        assertTrue(metrics.size() >= 2, metrics.toString());
        assertTrue(metrics.get(0).outcome() == Outcome.LOST || metrics.get(0).outcome() == Outcome.FAILED,
                metrics.toString());
        assertEquals(1, metrics.stream().filter(a -> a.outcome() == Outcome.SUCCEEDED).count(), metrics.toString());

        // 2 iterations x 7 losses (5 Mask R-CNN losses, their sum, classification)
        assertEquals(2 * 7, registry.training().curve(WF).size());
        assertEquals(2, registry.training().checkpoints(WF).size());
        // one validation score per checkpoint (scored beside training, through the outages) and one test evaluation
        var evals = registry.evaluations().evaluations(WF);
        assertEquals(2, evals.stream().filter(e -> e.validation()).count(), evals.toString());
        assertEquals(1, evals.stream().filter(e -> !e.validation()).count(), evals.toString());
        assertEquals(1, count("datasets"));
        // the chosen checkpoint (alias best) and the last one (latest) are one version each, however many executions
        // got as far as promoting; one version when they are the same checkpoint
        long last = registry.training().latest(WF).orElseThrow().id();
        var versions = registry.models().versions("oneshot-ct");
        assertEquals(result.checkpoint().id() == last ? 1 : 2, versions.size(), versions.toString());
        assertEquals(result.checkpoint().id(), registry.models().byAlias("oneshot-ct", "best").checkpointId());
        assertEquals(last, registry.models().byAlias("oneshot-ct", "latest").checkpointId());
        assertEquals(1, result.modelVersion());
        assertNull(registry.runs().get(WF).error());
    }

    private List<StageAttempt> attempts(Stage stage) {
        return registry.attempts().attempts(WF).stream().filter(a -> a.stage() == stage).toList();
    }

    private StageAttempt last(Stage stage) {
        List<StageAttempt> all = attempts(stage);
        return all.get(all.size() - 1);
    }

    private long count(String from) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private EmbeddedS3 startS3(int port) {
        return EmbeddedS3.filesystemStore(tmp.resolve("s3"), port, "outage-access", "outage-secret-key",
                files -> new FaultyBlobStore(files, trips));
    }

    /** The object store stops, stays down for {@link #DOWN}, and starts again on its port and files. */
    private EmbeddedS3 restartS3(EmbeddedS3 running) throws InterruptedException {
        int port = running.port();
        running.close();
        Thread.sleep(DOWN.toMillis());
        EmbeddedS3 again = startS3(port);
        log("object store is back");
        return again;
    }

    private void log(String event) {
        timeline.add(String.format("%6.1f s  %s", (System.nanoTime() - t0) / 1e9, event));
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // the server it belonged to was stopped under it
        }
    }
}
