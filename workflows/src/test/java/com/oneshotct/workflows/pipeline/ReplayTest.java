package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.oneshotct.workflows.contract.RegistryActivities;
import com.oneshotct.workflows.contract.TrainProgress;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays a recorded history against today's workflow code: a change that would make running workflows
 * non-deterministic fails here, not in production. A deliberate change of order must go behind
 * {@code Workflow.getVersion}, and then a new history is recorded next to the old one.
 *
 * <p>Record (or re-record) with {@code ./mvnw -B -q -pl workflows test -Dtest=ReplayTest -Doneshot.record=true}.
 */
class ReplayTest {
    static final String HAPPY_PATH = "histories/happy-path.json";
    static final String REQUEST = "{\"dataset\": \"cncb-demo\", \"iterations\": 20, \"checkpointInterval\": 5}";
    /** A run that scores its checkpoints while it trains (recorded after checkpoint validation came). */
    static final String VALIDATING = "histories/validating.json";
    static final String VALIDATING_REQUEST =
            "{\"dataset\": \"cncb-demo\", \"iterations\": 40, \"checkpointInterval\": 10, \"earlyStop\": 5}";

    @Test
    void happyPathHistoryReplays() throws Exception {
        WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read(HAPPY_PATH));
        // the recording is the whole happy path, or replaying it would prove little
        List<HistoryEvent> events = history.getEvents();
        assertEquals(6, events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                .count(), "register, status, fetch, train, evaluate, register metrics");
        assertEquals(1, events.stream().filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes).count());
        assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, events.get(events.size() - 1).getEventType());

        // as a worker does at start: the input's first parse loads Jackson and the config classes, which on a busy
        // machine can hold the workflow thread past the SDK's 1 s deadlock detector
        PipelineInput.parse(null).toJson();
        WorkflowReplayer.replayWorkflowExecution(history, TrainingPipelineImpl.class);
    }

    @Test
    void validatingHistoryReplays() throws Exception {
        WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read(VALIDATING));
        List<HistoryEvent> events = history.getEvents();
        // checkpoints 10, 20, 30 and the last, 40, scored beside training, plus the registry's catch-up list
        assertEquals(4, events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("Validate"))
                .count());
        assertEquals(1, events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("Checkpoints"))
                .count());
        assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, events.get(events.size() - 1).getEventType());
        PipelineInput.parse(null).toJson();
        WorkflowReplayer.replayWorkflowExecution(history, TrainingPipelineImpl.class);
    }

    /** Writes the validating run's history into the test resources; off unless {@code -Doneshot.record=true}. */
    @Test
    @EnabledIfSystemProperty(named = "oneshot.record", matches = "true")
    void recordValidating() throws IOException {
        try (PipelineTestBed bed = new PipelineTestBed()) {
            bed.fakes.everyCheckpoint = true;
            bed.pipeline("replay-validating").run(PipelineTestBed.json(VALIDATING_REQUEST));
            String json = bed.client.fetchHistory("replay-validating").toJson(true);
            Path out = Path.of("src/test/resources").resolve(VALIDATING);
            Files.createDirectories(out.getParent());
            Files.writeString(out, json + "\n");
        }
    }

    /** The control: the same history against code that swaps two activity calls must fail to replay. */
    @Test
    void reorderedCodeFailsToReplay() {
        WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read(HAPPY_PATH));
        Exception e = assertThrows(Exception.class,
                () -> WorkflowReplayer.replayWorkflowExecution(history, Reordered.class));
        // the replayer reports the mismatch as text: which command the code issued and which event it found
        assertTrue(e.getMessage().contains("NonDeterministicException"), e.getMessage());
        assertTrue(e.getMessage().contains("SetRunStatus"), e.getMessage());
    }

    /** Writes the happy-path history into the test resources; off unless {@code -Doneshot.record=true}. */
    @Test
    @EnabledIfSystemProperty(named = "oneshot.record", matches = "true")
    void recordHappyPath() throws IOException {
        try (PipelineTestBed bed = new PipelineTestBed()) {
            bed.pipeline("replay-happy-path").run(PipelineTestBed.json(REQUEST));
            String json = bed.client.fetchHistory("replay-happy-path").toJson(true);
            Path out = Path.of("src/test/resources").resolve(HAPPY_PATH);
            Files.createDirectories(out.getParent());
            Files.writeString(out, json + "\n");
        }
    }

    private static String read(String resource) {
        try (InputStream in = ReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing: record it (see the class comment)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(resource, e);
        }
    }

    /** The pipeline's first steps with setRunStatus and registerRun swapped; the rest never runs in replay. */
    public static class Reordered implements TrainingPipeline {
        @Override
        public PipelineResult run(JsonNode input) {
            PipelineInput in = PipelineInput.parse(input);
            Workflow.getVersion(TrainingPipelineImpl.VERSION_CHANGE_ID, Workflow.DEFAULT_VERSION, 1);
            RegistryActivities registry = Workflow.newActivityStub(RegistryActivities.class, StageOptions.registry(in));
            String id = Workflow.getInfo().getWorkflowId();
            registry.setRunStatus(id, "running", null);
            throw new IllegalStateException("a replay that got this far missed the swap");
        }

        @Override
        public PipelineProgress progress() {
            return null;
        }

        @Override
        public void stop() {}

        @Override
        public void retryStage() {}

        @Override
        public void abort(String reason) {}

        @Override
        public void trainingProgress(TrainProgress progress) {}
    }
}
