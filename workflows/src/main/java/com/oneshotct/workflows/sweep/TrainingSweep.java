package com.oneshotct.workflows.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A hyper-parameter sweep: one child {@code TrainingPipeline} per point of a grid or a random search, at most
 * {@code maxConcurrent} at a time, each with the id {@code <sweepId>-<k>} (k from 1, three digits). A child that
 * parks and gives up, or fails, is reported and the sweep goes on. Like the pipeline, the input is raw JSON so that
 * what the Temporal UI sends always reaches the workflow, which names every bad field and point.
 */
@WorkflowInterface
public interface TrainingSweep {
    String WORKFLOW_TYPE = "TrainingSweep";

    @WorkflowMethod(name = WORKFLOW_TYPE)
    SweepResult run(JsonNode input);

    /** Each child's state and the leaderboard so far. */
    @QueryMethod
    SweepProgress progress();

    /** Start no more children and stop the running ones gracefully (each evaluates its latest checkpoint). */
    @SignalMethod
    void stop();

    /** Start no more children; stop and abort the running ones with this reason. */
    @SignalMethod
    void abort(String reason);
}
