package com.oneshotct.activities.registry;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.util.Objects;

/**
 * Which Temporal execution of an activity is running: the run (workflow id), the activity id Temporal gave this
 * scheduling of the stage, Temporal's attempt counter within that scheduling, and the task queue it came from.
 */
public record AttemptContext(String workflowId, String activityId, int temporalAttempt, String taskQueue) {

    public AttemptContext {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(activityId, "activityId");
        Objects.requireNonNull(taskQueue, "taskQueue");
    }

    /** The execution the calling thread runs; only valid inside an activity method. */
    public static AttemptContext current() {
        ActivityInfo info = Activity.getExecutionContext().getInfo();
        // Temporal numbers attempts from 1; the SDK's TestActivityEnvironment reports 0 for its one execution.
        return new AttemptContext(info.getWorkflowId(), info.getActivityId(), Math.max(1, info.getAttempt()),
                info.getActivityTaskQueue());
    }
}
