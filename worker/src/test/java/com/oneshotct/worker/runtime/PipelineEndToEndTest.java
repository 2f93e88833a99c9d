package com.oneshotct.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.EmbeddedS3;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.EmbeddedPostgresSupport;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real services: embedded PostgreSQL, S3Proxy, Temporal's test server, the real workflow and
 * activities, a small model (ResNet18, 64 px) on a pushed synthetic dataset.
 */
class PipelineEndToEndTest {
    static Database db;
    static EmbeddedS3 s3;
    static ObjectStore store;

    @BeforeAll
    static void services(@TempDir Path dir) {
        db = Database.open(EmbeddedPostgresSupport.createDatabase("e2e_test"));
        db.migrate();
        s3 = EmbeddedS3.transientStore(0, "e2e-access", "e2e-secret-key");
        store = new ObjectStore(new S3Config(s3.endpoint(), s3.accessKey(), s3.secretKey(), "oneshot"));
        store.ensureBucket();
        Path data = dir.resolve("synthetic");
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(3).withSize(64).withCounts(4, 2, 6, 6))
                .write(data, line -> { });
        new DatasetPush(store).push(data, "e2e-data");
    }

    @AfterAll
    static void stop() {
        store.close();
        s3.close();
        db.close();
    }

    @Test
    void aRunCompletesAndLeavesItsWholeHistoryInTheRegistry(@TempDir Path tmp) throws Exception {
        Registry registry = db.registry();
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            Activities acts = Activities.of(registry, store, new DatasetCache(tmp.resolve("cache")),
                    tmp.resolve("work"), Device.cpu(), "e2e-worker", env.getWorkflowClient());
            acts.registerCpu(env.newWorker("oneshot-cpu"));
            acts.registerGpu(env.newWorker("oneshot-gpu"));
            env.start();
            TrainingPipeline run = env.getWorkflowClient().newWorkflowStub(TrainingPipeline.class,
                    WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId("e2e-1").build());
            PipelineResult r = run.run(new ObjectMapper().readTree("{\"dataset\": \"e2e-data\", \"imageSize\": 64,"
                    + " \"iterations\": 6, \"checkpointInterval\": 3}"));

            assertEquals("succeeded", r.status(), String.valueOf(r.message()));
            assertEquals(6, r.iterations());
            assertEquals(6, r.checkpoint().iteration());
            assertEquals(RunStatus.SUCCEEDED, registry.runs().get("e2e-1").status());
            Map<Stage, Long> attempts = registry.attempts().attempts("e2e-1").stream()
                    .collect(Collectors.groupingBy(StageAttempt::stage, Collectors.counting()));
            for (Stage s : Stage.values()) {
                assertEquals(1L, attempts.get(s), "one attempt of " + s + ": " + attempts);
            }
            List<Integer> iterations = registry.training().checkpoints("e2e-1").stream()
                    .map(com.oneshotct.db.Checkpoint::iteration).toList();
            assertEquals(List.of(3, 6), iterations);
            for (var c : registry.training().checkpoints("e2e-1")) {
                assertEquals(c.sha256(), store.stat(c.objectKey()).orElseThrow().sha256(), c.objectKey());
            }
            assertEquals(6, registry.training().latest("e2e-1").orElseThrow().iteration());
            // 7 losses (5 Mask R-CNN losses, their sum, classification) per iteration
            assertEquals(6 * 7, registry.training().curve("e2e-1").size());
            var evals = registry.evaluations().evaluations("e2e-1");
            assertEquals(1, evals.size());
            assertEquals("test", evals.get(0).scores().split());
            assertTrue(r.metrics().get("test").containsKey("accuracy"));
            assertEquals(1, r.modelVersion());
            assertEquals(1, registry.models().versions("oneshot-ct").size());
        }
    }
}
