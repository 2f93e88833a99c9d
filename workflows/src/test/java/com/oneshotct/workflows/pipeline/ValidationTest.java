package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.RegisterMetricsRequest;
import com.oneshotct.workflows.contract.ValidateRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint validation beside training: every due checkpoint scored once on the CPU queue while the GPU keeps
 * training, the best tested and promoted, early stop, failed scorings.
 */
class ValidationTest {
    private PipelineTestBed bed;

    @BeforeEach
    void start() {
        bed = new PipelineTestBed();
        bed.fakes.everyCheckpoint = true;
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    private static List<Integer> iterations(List<ValidateRequest> requests) {
        return requests.stream().map(r -> r.checkpoint().iteration()).sorted().toList();
    }

    @Test
    void everyCheckpointIsScoredOnceAndTheBestIsTestedAndPromoted() throws InterruptedException {
        bed.fakes.validationByRun.put("val-best", Map.of(10, 0.30, 20, 0.60, 30, 0.50, 40, 0.40, 50, 0.45));
        bed.fakes.validationMillis = 150;
        // the first checkpoint's scoring is held until training has finished: training must not wait for it
        bed.fakes.holdValidation.add(10);
        TrainingPipeline run = bed.start("val-best", "{\"iterations\": 50, \"checkpointInterval\": 10}");
        assertTrue(bed.fakes.trainFinished.await(20, TimeUnit.SECONDS), "training finished while a scoring was open");
        assertTrue(bed.fakes.validationCalls().contains("validate 10"), "the held scoring had started");
        bed.fakes.validationRelease.countDown();
        PipelineResult result = bed.result(run);

        assertEquals("succeeded", result.status(), result.message());
        assertEquals(List.of(10, 20, 30, 40, 50), iterations(bed.fakes.validated()), "each checkpoint once");
        CheckpointRef best = FakeActivities.checkpoint("val-best", 1, 20);
        CheckpointRef last = FakeActivities.checkpoint("val-best", 1, 50);
        assertEquals(best, result.checkpoint(), "the best on validation is the run's checkpoint");
        assertEquals(50, result.iterations());
        assertEquals(best, bed.fakes.evaluated.get(0).checkpoint(), "only the best is tested");
        assertEquals(1, bed.fakes.evaluated.size());
        assertEquals(List.of("test"), bed.fakes.evaluated.get(0).splits());
        RegisterMetricsRequest promoted = bed.fakes.promoted().get(0);
        assertEquals(best, promoted.checkpoint());
        assertEquals(last, promoted.last(), "the last checkpoint is registered beside it (alias latest)");
        assertEquals(Map.of(10, 0.30, 20, 0.60, 30, 0.50, 40, 0.40, 50, 0.45), result.validation().scores());
        assertEquals(20, result.validation().bestIteration());
        assertEquals(0.60, result.validation().best());
        assertEquals("weighted_f1", result.validation().metric());
        assertTrue(bed.fakes.maxValidating.get() <= 2, "at most validateConcurrency (2) at once: "
                + bed.fakes.maxValidating.get());
        assertEquals(2, bed.fakes.maxValidating.get(), "the held one and the next ran side by side");
        for (ValidateRequest r : bed.fakes.validated()) {
            assertEquals("val", r.split());
            assertEquals(64, r.maxImages());
            assertEquals(FakeActivities.DATASET_ID, r.datasetId());
        }
        assertNull(result.message());
        PipelineProgress p = bed.running("val-best").progress();
        assertEquals(20, p.validation().bestIteration());
        assertEquals(0, p.validation().running() + p.validation().queued());
    }

    @Test
    void everyKthCheckpointAndTheLastAreScored() {
        PipelineResult result = bed.result(bed.start("val-every",
                "{\"iterations\": 55, \"checkpointInterval\": 10, \"validateEvery\": 2, \"validateConcurrency\": 1}"));
        assertEquals("succeeded", result.status());
        assertEquals(List.of(20, 40, 55), iterations(bed.fakes.validated()), "numbers 2 and 4, and the last");
        assertEquals(1, bed.fakes.maxValidating.get());
        assertEquals(55, result.checkpoint().iteration(), "the fake scores later checkpoints higher");
    }

    @Test
    void noImprovementForEarlyStopScoringsStopsTraining() {
        // improves until 20, then worse and worse: with earlyStop 2 the run stops itself after 40's score
        bed.fakes.validationByRun.put("val-early", Map.of(10, 0.2, 20, 0.7, 30, 0.6, 40, 0.5, 50, 0.4));
        bed.fakes.checkpointPauseMillis = 400;
        PipelineResult result = bed.result(bed.start("val-early",
                "{\"iterations\": 200, \"checkpointInterval\": 10, \"earlyStop\": 2, \"validateConcurrency\": 1,"
                        + " \"heartbeatTimeout\": \"PT5S\"}"));
        assertEquals("succeeded", result.status(), result.message());
        assertTrue(result.message().startsWith("stopped early: 2 scored checkpoints without improving on iteration"
                + " 20 (weighted_f1 0.7000)"), result.message());
        assertTrue(result.iterations() < 200, "training ended early, at " + result.iterations());
        assertEquals(20, result.checkpoint().iteration());
        assertEquals(FakeActivities.checkpoint("val-early", 1, 20), bed.fakes.evaluated.get(0).checkpoint());
        assertTrue(bed.running("val-early").progress().validation().sinceBest() >= 2);
    }

    @Test
    void aFailedScoringLeavesItsCheckpointOutAndTheRunGoesOn() {
        bed.fakes.validationByRun.put("val-fail", Map.of(10, 0.2, 20, 0.3, 30, 0.1));
        bed.fakes.failValidation.put("val-fail", Set.of(20));
        PipelineResult result = bed.result(bed.start("val-fail",
                "{\"iterations\": 30, \"checkpointInterval\": 10}"));
        assertEquals("succeeded", result.status());
        assertEquals(1, result.validation().failed());
        assertEquals(Map.of(10, 0.2, 30, 0.1), result.validation().scores());
        assertEquals(10, result.checkpoint().iteration(), "20 scored best but failed: not a candidate");
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "train", "evaluate",
                "registerMetrics"), bed.fakes.calls(), "no park");
    }

    @Test
    void withoutValidationTheLastCheckpointIsTestedAndAliasedLatestAlone() {
        PipelineResult result = bed.result(bed.start("val-off",
                "{\"iterations\": 30, \"checkpointInterval\": 10, \"validateEvery\": 0}"));
        assertEquals("succeeded", result.status());
        assertEquals(List.of(), bed.fakes.validationCalls());
        assertNull(result.validation());
        assertEquals(30, result.checkpoint().iteration());
        assertNull(bed.fakes.promoted().get(0).last());
        assertNull(bed.running("val-off").progress().validation());
    }

    @Test
    void aCheckpointWhoseSignalWasLostIsFoundInTheRegistry() {
        bed.fakes.dropSignals.add(20);
        PipelineResult result = bed.result(bed.start("val-lost",
                "{\"iterations\": 30, \"checkpointInterval\": 10}"));
        assertEquals("succeeded", result.status());
        assertEquals(List.of(10, 20, 30), iterations(bed.fakes.validated()));
        assertTrue(bed.fakes.validationCalls().contains("checkpoints"));
    }
}
