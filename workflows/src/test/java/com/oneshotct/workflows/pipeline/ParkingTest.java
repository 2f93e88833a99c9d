package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stage that fails for good parks the run until retryStage, abort or the deadline. */
class ParkingTest {
    private static final String CORRUPT = "datasets/cncb-demo/a.png: SHA-256 mismatch";

    private PipelineTestBed bed;

    @BeforeEach
    void start() {
        bed = new PipelineTestBed();
        bed.fakes.fetchFailure = CORRUPT;
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    /** Starts a run whose fetch fails and waits until it is parked; checks what says so. */
    private TrainingPipeline parked(String workflowId, String json) {
        TrainingPipeline run = bed.start(workflowId, json);
        PipelineTestBed.waitUntil("the run waits", () -> "waiting".equals(run.progress().status()));
        PipelineTestBed.waitUntil("the registry heard", () -> bed.fakes.statuses().size() == 2);

        PipelineProgress p = run.progress();
        assertEquals("fetch_dataset", p.stage());
        String expected = "stage fetch_dataset failed with a non-retryable error: BadData: " + CORRUPT;
        assertEquals(expected, p.waitingFor());
        assertArrayEquals(new String[] {"waiting", expected}, bed.fakes.statuses().get(1));
        assertEquals(1, p.attempts().get("fetch_dataset"), "BadData is not retried");
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "setRunStatus waiting"),
                bed.fakes.calls());
        return run;
    }

    @Test
    void retryStageAfterTheFixRerunsOnlyTheFailedStage() {
        TrainingPipeline run = parked("run-park-retry", "{}");
        bed.fakes.fetchFailure = null; // the object is fixed
        run.retryStage();
        PipelineResult result = bed.result(run);

        assertEquals("succeeded", result.status());
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "setRunStatus waiting",
                "setRunStatus running", "fetchDataset", "train", "evaluate", "registerMetrics"), bed.fakes.calls());
        PipelineProgress p = run.progress();
        assertEquals(2, p.attempts().get("fetch_dataset"));
        assertEquals(1, p.attempts().get("register"), "finished stages never rerun");
        assertNull(p.waitingFor());
    }

    @Test
    void abortEndsAWaitingRunWithTheReason() {
        TrainingPipeline run = parked("run-park-abort", "{}");
        run.abort("dataset withdrawn");
        PipelineResult result = bed.result(run);

        assertEquals("aborted", result.status());
        assertTrue(result.message().startsWith("aborted by request: dataset withdrawn"), result.message());
        assertTrue(result.message().contains(CORRUPT), result.message());
        assertNull(result.checkpoint());
        assertArrayEquals(new String[] {"aborted", result.message()}, bed.fakes.statuses().get(2));
        assertEquals(3, bed.fakes.statuses().size());
        assertEquals("aborted", run.progress().status());
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "setRunStatus waiting",
                "setRunStatus aborted"), bed.fakes.calls());
    }

    @Test
    void parkDeadlineAbortsTheRun() {
        TrainingPipeline run = parked("run-park-deadline", "{\"parkTimeout\": \"PT1H\"}");
        long before = bed.env.currentTimeMillis();
        PipelineResult result = bed.result(run); // the server's clock skips the hour

        assertEquals("aborted", result.status());
        assertTrue(result.message().startsWith("no retryStage or abort signal within PT1H after: stage fetch_dataset"),
                result.message());
        assertTrue(bed.env.currentTimeMillis() - before >= 3_600_000, "the deadline is server time, not wall time");
        assertEquals("aborted", bed.fakes.statuses().get(2)[0]);
    }
}
