package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.workflows.contract.CheckpointRef;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stop signal ends training early and evaluates what exists; cancelling the run tells the registry. */
class StopTest {
    private PipelineTestBed bed;

    @BeforeEach
    void start() {
        bed = new PipelineTestBed();
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void stopDuringTrainingEvaluatesTheLatestCheckpoint() throws InterruptedException {
        bed.fakes.trainMode = FakeActivities.TrainMode.UNTIL_CANCELLED;
        TrainingPipeline run = bed.start("run-stop",
                "{\"iterations\": 40, \"checkpointInterval\": 3, \"heartbeatTimeout\": \"PT5S\"}");
        assertTrue(bed.fakes.trainStarted.await(20, TimeUnit.SECONDS));
        run.stop();
        PipelineResult result = bed.result(run);

        // the fake recorded iteration 3's checkpoint, heartbeated until the cancellation reached it, then wrote
        // a final one at iteration 5: the workflow must have waited for that before its lookup
        CheckpointRef last = FakeActivities.checkpoint("run-stop", 1, FakeActivities.STOPPED_AT);
        assertEquals("succeeded", result.status());
        assertEquals(last, result.checkpoint());
        assertEquals(5, result.iterations());
        assertEquals("stopped by request after 5 of 40 iterations", result.message());
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "train", "latestCheckpoint",
                "evaluate", "registerMetrics"), bed.fakes.calls());
        assertEquals(last, bed.fakes.evaluated.get(0).checkpoint());
        assertEquals(List.of(Duration.ofSeconds(5)), bed.fakes.trainHeartbeatTimeouts, "the input's heartbeat timeout");
        assertEquals(Integer.valueOf(1), run.progress().attempts().get("train"));
    }

    @Test
    void stopBeforeTrainingSkipsItAndWithoutCheckpointAborts() throws InterruptedException {
        bed.fakes.fetchGate = new CountDownLatch(1);
        TrainingPipeline run = bed.start("run-stop-early", "{}");
        PipelineTestBed.waitUntil("fetch runs", () -> bed.fakes.calls().contains("fetchDataset"));
        run.stop();
        // the stop must be in the history before fetch ends, or the train stage would not know of it yet
        PipelineTestBed.waitUntil("the stop is recorded", () -> bed.client.fetchHistory("run-stop-early")
                .getEvents().stream().anyMatch(e -> e.hasWorkflowExecutionSignaledEventAttributes()));
        bed.fakes.fetchGate.countDown();
        PipelineResult result = bed.result(run);

        assertEquals("aborted", result.status());
        assertEquals("stopped before any checkpoint was written: nothing to evaluate", result.message());
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "latestCheckpoint",
                "setRunStatus aborted"), bed.fakes.calls());
        assertEquals(FakeActivities.DATASET_ID, result.datasetId());
        assertNull(run.progress().attempts().get("train"), "training was never scheduled");
    }

    @Test
    void cancellingTheRunRecordsItAsAborted() throws InterruptedException {
        bed.fakes.trainMode = FakeActivities.TrainMode.UNTIL_CANCELLED;
        TrainingPipeline run = bed.start("run-cancel", "{}");
        assertTrue(bed.fakes.trainStarted.await(20, TimeUnit.SECONDS));
        WorkflowStub.fromTyped(run).cancel();

        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> bed.result(run));
        assertInstanceOf(CanceledFailure.class, e.getCause());
        PipelineTestBed.waitUntil("the registry heard", () -> bed.fakes.statuses().size() == 2);
        assertArrayEquals(new String[] {"aborted", "the workflow was cancelled"}, bed.fakes.statuses().get(1));
    }
}
