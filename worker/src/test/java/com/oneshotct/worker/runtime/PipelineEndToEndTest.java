package com.oneshotct.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.pipeline.PipelineResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole pipeline on real services: embedded PostgreSQL, S3Proxy, Temporal's test server, the real workflow and
 * activities, a small model (ResNet18, 64 px) on a pushed synthetic dataset: {@link TinyPipeline}'s run, which the
 * report's end-to-end test reads too.
 */
@ExtendWith(TinyPipeline.class)
class PipelineEndToEndTest {

    @Test
    void aRunCompletesAndLeavesItsWholeHistoryInTheRegistry(TinyPipeline.Run run) {
        Registry registry = run.db().registry();
        ObjectStore store = run.store();
        PipelineResult r = run.result();
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
