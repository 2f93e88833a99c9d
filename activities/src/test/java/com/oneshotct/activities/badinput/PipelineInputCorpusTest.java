package com.oneshotct.activities.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import com.oneshotct.workflows.pipeline.TrainingPipelineImpl;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The corpus's {@code pipeline-input} rows, each sent to the real pipeline workflow on Temporal's test server. No
 * activity is registered, so a run that got past its input could write nothing either: it would wait for a worker
 * until its one-minute (skipped) timeout and fail this test with a timeout instead of the expected failure.
 */
class PipelineInputCorpusTest {
    private static final String QUEUE = "oneshot-cpu";
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestWorkflowEnvironment env;

    @BeforeAll
    static void start() {
        env = TestWorkflowEnvironment.newInstance();
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(TrainingPipelineImpl.class);
        env.start();
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @TestFactory
    Stream<DynamicTest> everyPipelineInputCase() {
        return Corpus.layer("pipeline-input").stream().map(c -> dynamicTest(c.toString(), () -> run(c)));
    }

    private void run(Corpus.Case c) throws IOException {
        JsonNode input = JSON.readTree(Corpus.root().resolve(Corpus.INPUTS).resolve(c.name() + ".json").toFile());
        TrainingPipeline pipeline = env.getWorkflowClient().newWorkflowStub(TrainingPipeline.class,
                WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("bad-input-" + c.name())
                        .setWorkflowExecutionTimeout(Duration.ofMinutes(1)).build());
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> pipeline.run(input));
        ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals(c.expected(), cause.getType());
        assertTrue(cause.isNonRetryable());
        String message = cause.getOriginalMessage();
        for (String fragment : c.fragments()) {
            assertTrue(message.contains(fragment), () -> "no '" + fragment + "' in: " + message);
        }
    }
}
