package com.oneshotct.workflows.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.workflows.contract.RegisterSweepRequest;
import com.oneshotct.workflows.pipeline.FakeActivities;
import com.oneshotct.workflows.pipeline.PipelineTestBed;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep on the time-skipping test server, its children real pipelines over the fake activities. */
class TrainingSweepTest {
    private static final String BASE = "\"base\": {\"iterations\": 4, \"checkpointInterval\": 2, \"parkTimeout\": \"PT1M\"}";

    private PipelineTestBed bed;

    @BeforeEach
    void start() {
        bed = new PipelineTestBed(TrainingSweepImpl.class);
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    private TrainingSweep start(String id, String json) {
        TrainingSweep stub = bed.client.newWorkflowStub(TrainingSweep.class,
                WorkflowOptions.newBuilder().setTaskQueue(PipelineTestBed.CPU).setWorkflowId(id).build());
        WorkflowClient.start(stub::run, PipelineTestBed.json(json));
        return stub;
    }

    private static SweepResult result(TrainingSweep stub) {
        return WorkflowStub.fromTyped(stub).getResult(SweepResult.class);
    }

    /** The most children the sweep's history shows started and not yet ended at once. */
    private int mostAtOnce(String sweepId) {
        int now = 0;
        int most = 0;
        for (HistoryEvent e : bed.client.fetchHistory(sweepId).getEvents()) {
            if (e.hasStartChildWorkflowExecutionInitiatedEventAttributes()) {
                most = Math.max(most, ++now);
            } else if (e.hasChildWorkflowExecutionCompletedEventAttributes()
                    || e.hasChildWorkflowExecutionFailedEventAttributes()
                    || e.hasChildWorkflowExecutionCanceledEventAttributes()
                    || e.hasChildWorkflowExecutionTerminatedEventAttributes()
                    || e.hasChildWorkflowExecutionTimedOutEventAttributes()
                    || e.hasStartChildWorkflowExecutionFailedEventAttributes()) {
                now--;
            }
        }
        return most;
    }

    @Test
    void aGridRunsEveryPointAtMostMaxConcurrentAtOnceAndRanksThem() {
        bed.fakes.metricsByRun.put("sw-002", Map.of("test", Map.of("accuracy", 0.9, "weighted_f1", 0.5)));
        bed.fakes.metricsByRun.put("sw-003", Map.of("test", Map.of("accuracy", 0.8, "weighted_f1", 0.7)));
        TrainingSweep sweep = start("sw", "{" + BASE + ", \"grid\": {\"lr\": [0.001, 0.0001], \"clsBatch\": [2, 4]},"
                + " \"maxConcurrent\": 2}");
        SweepResult r = result(sweep);

        assertEquals("completed", r.status());
        assertEquals(List.of("sw-001", "sw-002", "sw-003", "sw-004"),
                r.children().stream().map(SweepChild::workflowId).toList());
        assertEquals(List.of("succeeded", "succeeded", "succeeded", "succeeded"),
                r.children().stream().map(SweepChild::status).toList());
        assertEquals("{\"lr\":0.001,\"clsBatch\":4}", r.children().get(1).values().toString());
        assertEquals(2, mostAtOnce("sw"), "two children at once, never more");
        // each child trained its own point on the GPU queue
        assertEquals(4, bed.fakes.calls().stream().filter("train"::equals).count());
        // weighted F1 is present, so it ranks: only the children that have it
        assertEquals("weighted_f1", r.metric());
        assertEquals(List.of("1 sw-003 0.7", "2 sw-002 0.5"),
                r.leaderboard().stream().map(x -> x.rank() + " " + x.workflowId() + " " + x.value()).toList());
        assertEquals(Map.of("accuracy", 0.75), r.children().get(0).metrics());
        SweepProgress p = sweep.progress();
        assertEquals("completed", p.status());
        assertEquals(4, p.finished());
        assertEquals(0, p.running());
    }

    @Test
    void theSweepAndItsPointsAreRecordedBeforeTheFirstChildAndItsEndAfterTheLast() {
        SweepResult r = result(start("sw-reg", "{" + BASE + ", \"grid\": {\"lr\": [0.001, 0.0001]},"
                + " \"maxConcurrent\": 1, \"metric\": \"accuracy\"}"));
        assertEquals("completed", r.status());
        List<String> calls = bed.fakes.calls();
        assertEquals("registerSweep sw-reg", calls.get(0), "before any child registers: " + calls);
        assertEquals(1, calls.stream().filter(c -> c.startsWith("registerSweep")).count());
        assertEquals("setSweepStatus sw-reg completed", calls.get(calls.size() - 1));
        RegisterSweepRequest req = bed.fakes.sweeps().get(0);
        assertEquals("accuracy", req.metric());
        assertEquals("test", req.split());
        assertEquals(1, req.maxConcurrent());
        assertTrue(req.inputJson().contains("\"grid\""), req.inputJson());
        assertEquals(List.of("1 sw-reg-001 {\"lr\":0.001}", "2 sw-reg-002 {\"lr\":1.0E-4}"), req.points().stream()
                .map(p -> p.k() + " " + p.workflowId() + " " + p.valuesJson()).toList());
    }

    @Test
    void aRegistryThatRefusesTheSweepEndsItBeforeAnyChild() {
        bed.fakes.sweepRegistryFailure = "BadConfig";
        TrainingSweep sweep = start("sw-refused", "{" + BASE + ", \"grid\": {\"lr\": [0.001]}}");
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(sweep));
        ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals("BadConfig", f.getType());
        assertTrue(f.getOriginalMessage().startsWith("sweep 'sw-refused' was refused by the registry, no run started:"
                + " simulated registry failure"), f.getOriginalMessage());
        assertEquals(List.of("registerSweep sw-refused"), bed.fakes.calls());
    }

    @Test
    void anUnreachableRegistryDoesNotSinkTheSweep() {
        bed.fakes.sweepRegistryFailure = "PSQLException";
        SweepResult r = result(start("sw-nodb", "{" + BASE + ", \"grid\": {\"lr\": [0.001]}}"));
        assertEquals("completed", r.status());
        assertEquals(List.of("succeeded"), r.children().stream().map(SweepChild::status).toList());
        List<String> calls = bed.fakes.calls();
        assertEquals(5, calls.stream().filter(c -> c.startsWith("registerSweep")).count(), "every allowed attempt");
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("setSweepStatus")), "no end for a sweep never recorded");
    }

    @Test
    void aCancelledSweepRecordsItsEnd() {
        bed.fakes.trainMode = FakeActivities.TrainMode.UNTIL_CANCELLED;
        TrainingSweep sweep = start("sw-cancel", "{\"base\": {\"iterations\": 40, \"checkpointInterval\": 3,"
                + " \"heartbeatTimeout\": \"PT5S\"}, \"grid\": {\"seed\": [1, 2]}, \"maxConcurrent\": 1}");
        PipelineTestBed.waitUntil("a child trains", () -> bed.fakes.calls().contains("train"));
        WorkflowStub.fromTyped(sweep).cancel();
        assertThrows(WorkflowFailedException.class, () -> result(sweep));
        PipelineTestBed.waitUntil("the end is recorded",
                () -> bed.fakes.calls().contains("setSweepStatus sw-cancel cancelled"));
    }

    /** Empty grid, unknown field in a point, too many points: refused at once, named, nothing started or recorded. */
    @Test
    void badInputIsRefusedAtOnceNamingItAndNothingStarts() {
        String many = java.util.stream.IntStream.rangeClosed(1, SweepInput.MAX_POINTS + 1).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        Map<String, String> bad = Map.of(
                "{\"grid\": {}}", "field 'grid' must be a non-empty object",
                "{\"grid\": {\"learningRate\": [0.001]}}", "field 'grid.learningRate' is not a pipeline input field",
                "{\"grid\": {\"seed\": [" + many + "]}}", "field 'grid' makes more than 256 points");
        int n = 0;
        for (Map.Entry<String, String> b : bad.entrySet()) {
            TrainingSweep sweep = start("sw-bad-" + n++, b.getKey());
            WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(sweep));
            ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
            assertEquals("BadConfig", f.getType());
            assertTrue(f.getOriginalMessage().contains(b.getValue()), f.getOriginalMessage());
        }
        assertTrue(bed.fakes.calls().isEmpty(), "no child ran and nothing was recorded: " + bed.fakes.calls());
    }

    @Test
    void aChildThatParksAndGivesUpIsReportedAndTheSweepGoesOn() {
        bed.fakes.failTraining.add("sw-fail-001");
        TrainingSweep sweep = start("sw-fail", "{" + BASE + ", \"grid\": {\"seed\": [1, 2, 3]},"
                + " \"maxConcurrent\": 1, \"metric\": \"accuracy\"}");
        SweepResult r = result(sweep);

        assertEquals("completed", r.status());
        SweepChild failed = r.children().get(0);
        assertEquals("aborted", failed.status());
        assertTrue(failed.message().contains("no retryStage or abort signal within PT1M"), failed.message());
        assertTrue(failed.message().contains("simulated bad data for sw-fail-001"), failed.message());
        assertEquals(List.of("succeeded", "succeeded"),
                r.children().subList(1, 3).stream().map(SweepChild::status).toList());
        assertEquals(1, mostAtOnce("sw-fail"));
        assertEquals(List.of("sw-fail-002", "sw-fail-003"),
                r.leaderboard().stream().map(Ranked::workflowId).toList(), "ties keep point order");
    }

    @Test
    void randomPointsAreTheSameOnEveryRun() {
        String input = "{" + BASE + ", \"random\": {\"n\": 3, \"seed\": 5, \"space\": {\"lr\": {\"min\": 1e-5,"
                + " \"max\": 1e-3, \"log\": true}}}, \"maxConcurrent\": 3}";
        SweepResult a = result(start("sw-ra", input));
        SweepResult b = result(start("sw-rb", input));
        assertEquals(a.children().stream().map(c -> c.values().toString()).toList(),
                b.children().stream().map(c -> c.values().toString()).toList());
        assertEquals(SweepInput.parse(PipelineTestBed.json(input)).points().stream()
                .map(p -> p.values().toString()).toList(), a.children().stream().map(c -> c.values().toString()).toList());
        // and each child trained with its point's value
        for (SweepChild c : a.children()) {
            double lr = c.values().get("lr").doubleValue();
            assertTrue(bed.fakes.trainRequests().stream().anyMatch(t -> t.workflowId().equals(c.workflowId())
                    && t.config().lr() == lr), c.toString());
        }
    }

    @Test
    void aBadInputFailsTheSweepNamingThePoint() {
        TrainingSweep sweep = start("sw-bad", "{\"grid\": {\"lr\": [0.001, -1]}}");
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(sweep));
        ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals("BadConfig", f.getType());
        assertTrue(f.getOriginalMessage().contains("point 2 {\"lr\":-1}: pipeline input: "), f.getOriginalMessage());
        assertTrue(bed.fakes.calls().isEmpty(), "no child ran");
    }

    @Test
    void stopStopsTheRunningChildrenAndStartsNoMore() {
        bed.fakes.trainMode = FakeActivities.TrainMode.UNTIL_CANCELLED;
        TrainingSweep sweep = start("sw-stop", "{\"base\": {\"iterations\": 40, \"checkpointInterval\": 3,"
                + " \"heartbeatTimeout\": \"PT5S\"}, \"grid\": {\"seed\": [1, 2, 3]}, \"maxConcurrent\": 2}");
        PipelineTestBed.waitUntil("two children train",
                () -> bed.fakes.calls().stream().filter("train"::equals).count() == 2);
        assertEquals(2, sweep.progress().running());
        sweep.stop();
        SweepResult r = result(sweep);

        assertEquals("stopped", r.status());
        assertEquals(List.of("succeeded", "succeeded", "skipped"),
                r.children().stream().map(SweepChild::status).toList());
        assertEquals("stopped by request after 5 of 40 iterations", r.children().get(0).message());
        assertEquals("never started: the sweep was stopped", r.children().get(2).message());
        assertEquals(2, bed.fakes.calls().stream().filter("train"::equals).count());
        assertTrue(bed.fakes.calls().contains("setSweepStatus sw-stop stopped"), bed.fakes.calls().toString());
    }

    @Test
    void abortAbortsTheRunningChildren() {
        bed.fakes.trainMode = FakeActivities.TrainMode.UNTIL_CANCELLED;
        TrainingSweep sweep = start("sw-abort", "{\"base\": {\"iterations\": 40, \"checkpointInterval\": 3,"
                + " \"heartbeatTimeout\": \"PT5S\"}, \"grid\": {\"seed\": [1, 2]}, \"maxConcurrent\": 1}");
        PipelineTestBed.waitUntil("a child trains", () -> bed.fakes.calls().contains("train"));
        sweep.abort("wrong dataset");
        SweepResult r = result(sweep);

        assertEquals("aborted", r.status());
        assertEquals("aborted by request: wrong dataset", r.message());
        assertEquals(List.of("aborted", "skipped"), r.children().stream().map(SweepChild::status).toList());
        assertTrue(r.children().get(0).message().contains("sweep sw-abort aborted: wrong dataset"),
                r.children().get(0).message());
        assertTrue(r.leaderboard().isEmpty());
        assertTrue(bed.fakes.calls().contains("setSweepStatus sw-abort aborted"), bed.fakes.calls().toString());
    }
}
