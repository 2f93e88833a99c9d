package com.oneshotct.workflows.contract;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Stage "train", on the GPU task queue. Heartbeats {iteration, checkpoint key, losses}; each checkpoint is uploaded
 * and recorded before its key is heartbeated; a retried attempt resumes from the newest checkpoint. Cancellation
 * (the workflow's answer to a stop signal) ends training after a final checkpoint.
 */
@ActivityInterface
public interface TrainingActivities {
    @ActivityMethod
    TrainResult train(TrainRequest request);
}
