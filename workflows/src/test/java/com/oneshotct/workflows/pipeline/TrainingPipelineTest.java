package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.RegisterRequest;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainingPipelineTest {
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
    void happyPathRunsEveryStageOnceInOrder() {
        String request = "{\"dataset\": \"cncb-demo\", \"iterations\": 12, \"seed\": 7}";
        PipelineResult result = bed.pipeline("run-happy").run(PipelineTestBed.json(request));

        CheckpointRef last = FakeActivities.checkpoint("run-happy", 1, 12);
        assertEquals(new PipelineResult("run-happy", "succeeded", FakeActivities.DATASET_ID, 12, last,
                FakeActivities.METRICS, "oneshot-ct", FakeActivities.MODEL_VERSION, null, result.validation()), result);
        // both checkpoints (10 and the last, 12) validated on the CPU queue; the fake scores the later one higher
        assertEquals(List.of(10, 12), List.copyOf(result.validation().scores().keySet()));
        assertEquals(12, result.validation().bestIteration());
        assertEquals("weighted_f1", result.validation().metric());
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "train", "evaluate",
                "registerMetrics"), bed.fakes.calls());
        assertEquals(Map.of("RegisterRun", PipelineTestBed.CPU, "SetRunStatus", PipelineTestBed.CPU,
                "FetchDataset", PipelineTestBed.CPU, "Train", PipelineTestBed.GPU, "Evaluate", PipelineTestBed.CPU,
                "RegisterMetrics", PipelineTestBed.CPU, "Validate", PipelineTestBed.CPU, "Checkpoints",
                PipelineTestBed.CPU), bed.fakes.queues);

        PipelineInput input = PipelineInput.parse(PipelineTestBed.json(request));
        RegisterRequest registered = bed.fakes.registered.get(0);
        assertEquals("run-happy", registered.workflowId());
        assertEquals(input, PipelineInput.parse(PipelineTestBed.json(registered.requestJson())),
                "the registry gets the whole request, defaults filled in");
        assertEquals(input.configHash(), registered.configHash());
        assertEquals("cncb-demo", registered.dataset());
        TrainRequest sent = bed.fakes.trainRequests.get(0);
        assertEquals(new TrainRequest("run-happy", "cncb-demo", FakeActivities.DATASET_ID, "cpu", sent.train()), sent);
        // the whole training configuration, as the activity reads it (JSON number types may change on the wire)
        assertEquals(TrainConfig.builder().optBackbone("resnet18").optImageSize(128).optIterations(12)
                .optCheckpointInterval(10).optSeed(7).optLr(PipelineInput.DEFAULT_LR).build(),
                TrainConfigJson.read(sent.train(), TrainConfig.builder().build()));
        assertEquals(List.of(Duration.ofMinutes(5)), bed.fakes.trainHeartbeatTimeouts);
        assertEquals(last, bed.fakes.evaluated.get(0).checkpoint(), "evaluate gets the train result's checkpoint");
        assertEquals(List.of("test"), bed.fakes.evaluated.get(0).splits());

        PipelineProgress progress = bed.running("run-happy").progress();
        assertEquals("done", progress.stage());
        assertEquals("succeeded", progress.status());
        assertEquals(12, progress.iteration());
        assertEquals(last.objectKey(), progress.latestCheckpoint());
        assertEquals(Map.of("register", 1, "fetch_dataset", 1, "train", 1, "evaluate", 1, "register_metrics", 1),
                progress.attempts());
    }

    @Test
    void untypedStubAcceptsRawJsonStringAndParsedObject() {
        WorkflowOptions options = WorkflowOptions.newBuilder().setTaskQueue(PipelineTestBed.CPU)
                .setWorkflowId("run-untyped-string").build();
        WorkflowStub asText = bed.client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE, options);
        asText.start("{\"iterations\": 5}"); // what the Temporal UI sends: a JSON string holding the object
        assertEquals("succeeded", asText.getResult(PipelineResult.class).status());

        WorkflowStub asObject = bed.client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE,
                WorkflowOptions.newBuilder(options).setWorkflowId("run-untyped-object").build());
        asObject.start(PipelineTestBed.json("{\"iterations\": 6}"));
        assertEquals(6, asObject.getResult(PipelineResult.class).iterations());

        assertEquals(List.of(5, 6), bed.fakes.trainRequests.stream().map(r -> r.config().iterations()).toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"iteratons": 5}                 | 'iteratons' is unknown
            {"iterations": "ten"}            | 'iterations' must be an integer
            {"iterations": 3.5}              | 'iterations' must be an integer
            {"iterations": 0}                | 'iterations' must be between 1 and 10000000, got 0
            {"imageSize": 100}               | 'imageSize' must be a multiple of 32 between 32 and 2048
            {"backbone": "vgg16"}            | 'backbone' names an unknown backbone 'vgg16'; known: resnext50
            {"dataset": "Bad Name"}          | 'dataset' must be a dataset name
            [1, 2]                           | must be a JSON object
            """)
    void badInputFailsAtOnceNamingTheFieldAndCallsNothing(String json, String expected) {
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
                () -> bed.pipeline("run-bad").run(PipelineTestBed.json(json)));
        ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals(ErrorTypes.BAD_CONFIG, cause.getType());
        assertTrue(cause.isNonRetryable());
        assertTrue(cause.getOriginalMessage().contains(expected), cause.getOriginalMessage());
        assertEquals(List.of(), bed.fakes.calls(), "nothing may reach the registry");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ..          | run id '..' must not be '.' or '..'
            runs/other  | run id 'runs/other' must not contain '/'
            """)
    void badRunIdFailsAtOnceAndCallsNothing(String id, String expected) {
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
                () -> bed.pipeline(id).run(PipelineTestBed.json("{\"iterations\": 5}")));
        ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals(ErrorTypes.BAD_CONFIG, cause.getType());
        assertTrue(cause.isNonRetryable());
        assertEquals(expected, cause.getOriginalMessage());
        assertEquals(List.of(), bed.fakes.calls(), "nothing may reach the registry");
    }

    @Test
    void progressFollowsTrainingSignalsAndIgnoresOlderAttempts() {
        bed.fakes.trainMode = FakeActivities.TrainMode.WAIT_FOR_RELEASE;
        TrainingPipeline run = bed.start("run-progress", "{\"iterations\": 12, \"checkpointInterval\": 4}");
        PipelineTestBed.waitUntil("the fake's progress signal arrived", () -> run.progress().iteration() == 4);

        PipelineProgress p = run.progress();
        assertEquals("train", p.stage());
        assertEquals("running", p.status());
        assertEquals(12, p.total());
        assertEquals(Map.of("loss", 1.0), p.losses());
        assertEquals("runs/run-progress/attempt-1/iter-4.ckpt", p.latestCheckpoint());
        assertEquals((12 - 4) * 0.5, p.etaSeconds(), 1e-12, "8 iterations left at 0.5 s each");
        assertEquals(4.0 / FakeActivities.FAKE_SPLIT, p.epoch(), 1e-12, "4 iterations over the fake's split");
        assertNull(p.waitingFor());
        assertEquals(Map.of("register", 1, "fetch_dataset", 1, "train", 1), p.attempts());

        run.trainingProgress(new TrainProgress(2, 6, 12, Map.of("loss", 0.5), "runs/run-progress/attempt-2/iter-6.ckpt",
                0.25, 0.75));
        run.trainingProgress(new TrainProgress(1, 9, 12, Map.of("loss", 9.0), "stale", 9, 99));
        // signals are handled in order: once this one shows, the stale one before it was handled too; it carries
        // no checkpoint and no speed, so the key and the ETA below still show whether the stale one got through
        run.trainingProgress(new TrainProgress(2, 7, 12, Map.of("loss", 0.4), null, 0, 0));
        PipelineTestBed.waitUntil("the last signal was handled", () -> run.progress().iteration() == 7);
        p = run.progress();
        assertEquals("runs/run-progress/attempt-2/iter-6.ckpt", p.latestCheckpoint(), "attempt 1 is older: ignored");
        assertEquals((12 - 7) * 0.25, p.etaSeconds(), 1e-12, "speed of attempt 2, not the stale 9 s/iteration");
        assertEquals(Map.of("loss", 0.4), p.losses());
        assertEquals(2, p.attempts().get("train"), "an attempt-2 signal means two training attempts");
        assertEquals(7 * 0.75 / 6, p.epoch(), 1e-12, "the epoch rate of attempt 2's signal at iteration 7");

        bed.fakes.trainRelease.countDown();
        assertEquals("succeeded", bed.result(run).status());
        assertEquals(0, run.progress().etaSeconds());
        assertEquals(run.progress().iteration() * 0.75 / 6, run.progress().epoch(), 1e-12,
                "the finished training's iteration, at the same epoch rate");
    }

    @Test
    void retryableTrainingFailureSucceedsOnSecondAttemptAndCountsBoth() {
        bed.fakes.trainMode = FakeActivities.TrainMode.FAIL_FIRST_ATTEMPT;
        PipelineResult result = bed.pipeline("run-flaky").run(PipelineTestBed.json("{\"iterations\": 8}"));

        assertEquals("succeeded", result.status());
        assertEquals(FakeActivities.checkpoint("run-flaky", 2, 8), result.checkpoint());
        assertEquals(List.of("registerRun", "setRunStatus running", "fetchDataset", "train", "train", "evaluate",
                "registerMetrics"), bed.fakes.calls(), "the server retried training; the workflow saw no failure");
        assertEquals(2, bed.running("run-flaky").progress().attempts().get("train"));
        assertEquals(1, bed.running("run-flaky").progress().attempts().get("fetch_dataset"));
    }
}
