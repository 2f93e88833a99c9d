package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.pipeline.PipelineProgress;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code oneshot run} against Temporal's test service, with a small stand-in for the real pipeline. */
class RunCommandTest {

    private static final String ADDRESS = "temporal.test:7233";

    /**
     * Stands in for the pipeline: reports the requested iterations back, counts retryStage signals as train
     * attempts, ends on stop (succeeded) or abort (aborted, with the reason), fails on {"fail": true}, and finishes
     * at once on {"quick": true}.
     */
    public static class FakePipeline implements TrainingPipeline {
        private int total;
        private int retries;
        private boolean stopped;
        private String abortReason;

        @Override
        public PipelineResult run(JsonNode input) {
            total = input.path("iterations").asInt(100);
            if (input.path("fail").asBoolean()) {
                throw ApplicationFailure.newNonRetryableFailure("iterations must be positive", "BadConfig");
            }
            if (!input.path("quick").asBoolean()) {
                Workflow.await(() -> stopped || abortReason != null);
            }
            String id = Workflow.getInfo().getWorkflowId();
            if (abortReason != null) {
                return new PipelineResult(id, "aborted", null, 0, null, Map.of(), null, 0, abortReason, null);
            }
            return new PipelineResult(id, "succeeded", "ab12", total,
                    new CheckpointRef(7, "runs/" + id + "/attempt-1/iter-" + total + ".ckpt", total),
                    Map.of("test", Map.of("accuracy", 0.75)), "oneshot-ct", 3, null, null);
        }

        @Override
        public PipelineProgress progress() {
            Map<String, Integer> attempts = new LinkedHashMap<>();
            attempts.put("register", 1);
            attempts.put("train", 1 + retries);
            return new PipelineProgress("train", "running", 40, total, 2.5, Map.of("loss_mask", 0.25),
                    "runs/x/attempt-1/iter-40.ckpt", attempts, 3725, null, null);
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public void retryStage() {
            retries++;
        }

        @Override
        public void abort(String reason) {
            abortReason = reason;
        }

        @Override
        public void trainingProgress(TrainProgress progress) {
        }
    }

    private TestWorkflowEnvironment env;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() {
        env = TestWorkflowEnvironment.newInstance();
        Worker worker = env.newWorker(RunCommand.DEFAULT_TASK_QUEUE);
        worker.registerWorkflowImplementationTypes(FakePipeline.class);
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    /** Runs {@code oneshot run ...}, turning exceptions into exit codes as Main does. */
    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(new RunCommand(new TemporalConfig(ADDRESS, "default"),
                env.getWorkflowClient()));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    @Test
    void startPrintsANewIdAndStatusShowsTheProgressQuery() {
        assertEquals(0, run("start", "--json", "{\"dataset\": \"cncb-demo\", \"iterations\": 80}"), err.toString());
        String id = out.toString().trim();
        assertTrue(id.matches("run-\\d{8}-\\d{6}-[0-9a-f]{4}"), id);

        assertEquals(0, run("status", id), err.toString());
        String block = out.toString();
        assertTrue(block.contains("state        RUNNING\n"), block);
        assertTrue(block.contains("stage        train (running)\n"), block);
        assertTrue(block.contains("iteration    40 / 80 (epoch 2.50)\n"), "the JSON reached the workflow: " + block);
        assertTrue(block.contains("losses       loss_mask 0.2500\n"), block);
        assertTrue(block.contains("attempts     register 1, train 1\n"), block);
        // 3725 s = 1 h + 2 min + 5 s
        assertTrue(block.contains("eta          1h 02m 05s\n"), block);
    }

    @Test
    void statusAsJsonCarriesTheSameFacts() throws Exception {
        run("start", "--id", "json-run", "--json", "{\"iterations\": 60}");
        assertEquals(0, run("status", "json-run", "--json"), err.toString());
        JsonNode status = new ObjectMapper().readTree(out.toString());
        assertEquals("json-run", status.get("workflowId").asText());
        assertEquals("RUNNING", status.get("state").asText());
        assertEquals("oneshot-cpu", status.get("taskQueue").asText());
        assertEquals(60, status.get("progress").get("total").asInt());
        assertTrue(status.get("result").isNull());
    }

    @Test
    void retryStopAndAbortReachTheRun() {
        run("start", "--id", "steer-me");
        assertEquals(0, run("retry", "steer-me"), err.toString());
        assertEquals("retryStage sent to run 'steer-me'", out.toString().trim());
        run("status", "steer-me");
        assertTrue(out.toString().contains("attempts     register 1, train 2\n"), out.toString());

        assertEquals(0, run("stop", "steer-me"), err.toString());
        PipelineResult stopped = env.getWorkflowClient().newUntypedWorkflowStub("steer-me")
                .getResult(PipelineResult.class);
        assertEquals("succeeded", stopped.status());

        run("start", "--id", "give-up");
        assertEquals(0, run("abort", "give-up", "--reason", "dataset is wrong"), err.toString());
        PipelineResult aborted = env.getWorkflowClient().newUntypedWorkflowStub("give-up")
                .getResult(PipelineResult.class);
        assertEquals("aborted", aborted.status());
        assertEquals("dataset is wrong", aborted.message());

        assertEquals(0, run("status", "give-up"));
        assertTrue(out.toString().contains("state        COMPLETED\n"), out.toString());
        assertTrue(out.toString().contains("outcome      aborted: dataset is wrong\n"), out.toString());
        assertEquals(2, run("stop", "give-up"));
        assertEquals("error: run 'give-up' on " + ADDRESS + " has already ended (COMPLETED); stop has nothing to"
                + " act on", err.toString().trim());
    }

    @Test
    void startWaitPrintsTheOutcome() {
        assertEquals(0, run("start", "--id", "quick-one", "--wait", "--json", "{\"quick\": true, \"iterations\": 20}"),
                err.toString());
        String printed = out.toString();
        assertTrue(printed.startsWith("quick-one\nrun          quick-one (Temporal run "), printed);
        assertTrue(printed.contains("outcome      succeeded\n"), printed);
        assertTrue(printed.contains("checkpoint   runs/quick-one/attempt-1/iter-20.ckpt\n"), printed);
        assertTrue(printed.contains("model        oneshot-ct v3\n"), printed);
        assertTrue(printed.contains("metrics test accuracy 0.7500\n"), printed);
    }

    @Test
    void startUsesTheTaskQueueGiven() {
        assertEquals(0, run("start", "--id", "on-gpu", "--task-queue", "oneshot-gpu"), err.toString());
        assertEquals("oneshot-gpu", env.getWorkflowClient().newUntypedWorkflowStub("on-gpu").describe().getTaskQueue());
    }

    @Test
    void aFailedRunShowsItsFailure() {
        assertEquals(1, run("start", "--id", "bad-one", "--wait", "--json", "{\"fail\": true}"));
        assertTrue(err.toString().contains("run 'bad-one' failed: iterations must be positive"), err.toString());
        assertEquals(0, run("status", "bad-one"));
        assertTrue(out.toString().contains("state        FAILED\n"), out.toString());
        assertTrue(out.toString().contains("failure      iterations must be positive\n"), out.toString());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals(2, run("status", "ghost"));
        assertEquals("error: no run 'ghost' on " + ADDRESS, err.toString().trim());
        assertEquals(2, run("retry", "ghost"));
        assertEquals("error: no run 'ghost' on " + ADDRESS, err.toString().trim());

        assertEquals(2, run("start", "--json", "{\"dataset\": "));
        assertTrue(err.toString().startsWith("error: --json is not valid JSON: "), err.toString());
        assertEquals(2, run("start", "--json", "[1]"));
        assertTrue(err.toString().startsWith("error: --json must be a JSON object"), err.toString());
        assertEquals(2, run("start", "--id", "has space"));
        assertTrue(err.toString().startsWith("error: --id must be letters"), err.toString());

        assertEquals(0, run("start", "--id", "taken"));
        assertEquals(2, run("start", "--id", "taken"));
        assertEquals("error: run 'taken' already exists on " + ADDRESS + "; choose another --id",
                err.toString().trim());
        WorkflowStub first = env.getWorkflowClient().newUntypedWorkflowStub("taken");
        assertNull(first.describe().getCloseTime(), "the first run is untouched");
    }
}
