package com.oneshotct.workflows.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oneshotct.workflows.pipeline.PipelineInput;
import com.oneshotct.workflows.pipeline.PipelineTestBed;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays recorded sweep histories against today's sweep code (as ReplayTest does for the pipeline): a change that
 * would make running sweeps non-deterministic fails here. {@code sweep.json} is the current code's; it is re-recorded
 * with {@code ./mvnw -B -q -pl workflows test -Dtest=SweepReplayTest -Doneshot.record=true}.
 * {@code sweep-before-registry.json} was recorded by the sweep as it was before it wrote to the registry (no
 * {@code sweep-registry} version marker): it can never be recorded again, and must keep replaying, which is what
 * the marker is for.
 */
class SweepReplayTest {
    /** The recorded sweep's id: its children's ids derive from it, so the replay must use it too. */
    static final String ID = "replay-sweep";
    static final String CURRENT = "histories/sweep.json";
    static final String BEFORE_REGISTRY = "histories/sweep-before-registry.json";
    static final String REQUEST = "{\"base\": {\"iterations\": 4, \"checkpointInterval\": 2},"
            + " \"grid\": {\"lr\": [0.001, 0.0001, 0.00001]}, \"maxConcurrent\": 2}";

    private static List<HistoryEvent> events(WorkflowExecutionHistory h, EventType type) {
        return h.getEvents().stream().filter(e -> e.getEventType() == type).toList();
    }

    @Test
    void theCurrentHistoryReplays() throws Exception {
        WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read(CURRENT), ID);
        assertEquals(3, events(history, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED).size());
        assertEquals(List.of("RegisterSweep", "SetSweepStatus"),
                events(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).stream()
                        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()).toList(),
                "the sweep and its points recorded before the first child, its ending after the last");
        assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
                history.getEvents().get(history.getEvents().size() - 1).getEventType());
        PipelineInput.parse(null).toJson(); // loads Jackson and the config classes outside the deadlock detector
        WorkflowReplayer.replayWorkflowExecution(history, TrainingSweepImpl.class);
    }

    @Test
    void aHistoryFromBeforeTheRegistryStillReplays() throws Exception {
        WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read(BEFORE_REGISTRY), ID);
        assertEquals(3, events(history, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED).size());
        assertEquals(0, events(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).size());
        assertEquals(0, events(history, EventType.EVENT_TYPE_MARKER_RECORDED).size(), "no version marker");
        PipelineInput.parse(null).toJson();
        WorkflowReplayer.replayWorkflowExecution(history, TrainingSweepImpl.class);
    }

    /** Writes {@link #CURRENT} into the test resources; off unless {@code -Doneshot.record=true}. */
    @Test
    @EnabledIfSystemProperty(named = "oneshot.record", matches = "true")
    void recordCurrent() throws IOException {
        try (PipelineTestBed bed = new PipelineTestBed(TrainingSweepImpl.class)) {
            TrainingSweep sweep = bed.client.newWorkflowStub(TrainingSweep.class, WorkflowOptions.newBuilder()
                    .setTaskQueue(PipelineTestBed.CPU).setWorkflowId(ID).build());
            SweepResult r = sweep.run(PipelineTestBed.json(REQUEST));
            assertEquals("completed", r.status());
            String json = bed.client.fetchHistory(ID).toJson(true);
            Path out = Path.of("src/test/resources").resolve(CURRENT);
            Files.createDirectories(out.getParent());
            Files.writeString(out, json + "\n");
        }
    }

    private static String read(String resource) {
        try (InputStream in = SweepReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing: record it (see the class comment)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(resource, e);
        }
    }
}
