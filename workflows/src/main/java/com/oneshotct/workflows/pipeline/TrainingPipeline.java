package com.oneshotct.workflows.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.oneshotct.workflows.contract.TrainProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One training run: register, fetch dataset, train, evaluate, register metrics.
 *
 * <p>The input is raw JSON (a {@link JsonNode}) rather than a typed record so that what a person types into the
 * Temporal UI always reaches the workflow, which then names the bad field in a non-retryable failure; a typed
 * parameter would fail inside the SDK's decoder instead, as an endlessly retried workflow task. A JSON string that
 * holds a JSON object is accepted too.
 */
@WorkflowInterface
public interface TrainingPipeline {
    String WORKFLOW_TYPE = "TrainingPipeline";

    @WorkflowMethod(name = WORKFLOW_TYPE)
    PipelineResult run(JsonNode input);

    /** Where the run stands: stage, iteration/total, epoch, last losses, latest checkpoint, attempts, ETA. */
    @QueryMethod
    PipelineProgress progress();

    /** End training gracefully after a final checkpoint, then evaluate what exists. */
    @SignalMethod
    void stop();

    /** Run the stage that exhausted its retries once more (the run waits for this or {@link #abort}). */
    @SignalMethod
    void retryStage();

    /** Give up a waiting run; it ends as aborted with this reason. */
    @SignalMethod
    void abort(String reason);

    /** Sent by the training activity; feeds {@link #progress()}. */
    @SignalMethod(name = TrainProgress.SIGNAL)
    void trainingProgress(TrainProgress progress);
}
