package com.oneshotct.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.pipeline.PipelineResult;
import java.util.Comparator;
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
        assertEquals(RunStatus.SUCCEEDED, registry.runs().get("e2e-1").status());
        Map<Stage, Long> attempts = registry.attempts().attempts("e2e-1").stream()
                .collect(Collectors.groupingBy(StageAttempt::stage, Collectors.counting()));
        for (Stage s : Stage.values()) {
            assertEquals(s == Stage.VALIDATE ? 2L : 1L, attempts.get(s), "attempts of " + s + ": " + attempts);
        }
        List<Integer> iterations = registry.training().checkpoints("e2e-1").stream()
                .map(Checkpoint::iteration).toList();
        assertEquals(List.of(3, 6), iterations);
        for (var c : registry.training().checkpoints("e2e-1")) {
            assertEquals(c.sha256(), store.stat(c.objectKey()).orElseThrow().sha256(), c.objectKey());
        }
        assertEquals(6, registry.training().latest("e2e-1").orElseThrow().iteration());
        // 7 losses (5 Mask R-CNN losses, their sum, classification) per iteration
        assertEquals(6 * 7, registry.training().curve("e2e-1").size());
        var evals = registry.evaluations().evaluations("e2e-1");
        List<Evaluation> tested = evals.stream().filter(e -> !e.validation()).toList();
        assertEquals(1, tested.size());
        assertEquals("test", tested.get(0).scores().split());
        assertTrue(r.metrics().get("test").containsKey("accuracy"));
        assertEquals(1, registry.models().byAlias("oneshot-ct", "best").version(), "the chosen one registered first");
        assertEquals(6, registry.models().byAlias("oneshot-ct", "latest").iteration());
    }

    /**
     * Checkpoint evaluation on real services: each checkpoint scored once on the dataset's validation split while
     * training went on, the best by the recorded scores tested and registered as {@code best}.
     */
    @Test
    void everyCheckpointIsValidatedOnceBesideTrainingAndTheBestIsTested(TinyPipeline.Run run) {
        Registry registry = run.db().registry();
        PipelineResult r = run.result();
        List<Evaluation> validations = registry.evaluations().evaluations("e2e-1").stream()
                .filter(Evaluation::validation).toList();
        assertEquals(List.of(3, 6), validations.stream().map(Evaluation::checkpointIteration).toList(),
                "one validation row per checkpoint");
        for (Evaluation v : validations) {
            assertEquals(3, v.scores().imageCount(), "the whole val split: its 3 classification images (the row's"
                    + " image count; its 2 segmentation images give the AP)");
            assertNull(v.imagesFrom(), "all of split 'val'");
        }
        // the selection, recomputed from the registry's rows: highest weighted F1 (the data has classification),
        // the earlier checkpoint on a tie
        Evaluation best = validations.get(0);
        for (Evaluation v : validations) {
            if (v.scores().weightedF1() > best.scores().weightedF1()) {
                best = v;
            }
        }
        assertEquals(best.checkpointId(), r.checkpoint().id(), "the run's checkpoint is the best on validation");
        Evaluation tested = registry.evaluations().evaluations("e2e-1").stream().filter(e -> !e.validation())
                .findFirst().orElseThrow();
        assertEquals(best.checkpointId(), tested.checkpointId(), "only the chosen checkpoint is tested");
        assertEquals(best.checkpointId(), registry.models().byAlias("oneshot-ct", "best").checkpointId());
        assertEquals("weighted_f1", r.validation().metric());
        assertEquals(best.checkpointIteration(), r.validation().bestIteration());
        assertEquals(best.scores().weightedF1(), r.validation().best(), 1e-12);

        // the timeline: checkpoint 3's scoring (CPU queue) began while training (GPU queue) still ran, and the
        // training attempt ran on without waiting for it
        List<StageAttempt> attempts = registry.attempts().attempts("e2e-1");
        StageAttempt train = attempts.stream().filter(a -> a.stage() == Stage.TRAIN).findFirst().orElseThrow();
        StageAttempt firstScoring = attempts.stream().filter(a -> a.stage() == Stage.VALIDATE)
                .min(Comparator.comparing(StageAttempt::startedAt)).orElseThrow();
        System.out.println("timeline: train " + train.startedAt() + " .. " + train.endedAt() + " (" + train.taskQueue()
                + "); first validation " + firstScoring.startedAt() + " .. " + firstScoring.endedAt() + " ("
                + firstScoring.taskQueue() + ")");
        assertTrue(firstScoring.startedAt().isBefore(train.endedAt()), "checkpoint 3 was scored while training ran: "
                + firstScoring + " / " + train);
        assertEquals("oneshot-cpu", firstScoring.taskQueue());
        assertEquals("oneshot-gpu", train.taskQueue());
    }
}
