package com.oneshotct.activities.train;

import com.oneshotct.workflows.contract.TrainProgress;

/** The training activity's link to Temporal, so the loop runs without Temporal in tests. */
public interface Pulse {
    /** Heartbeats; throws Temporal's {@code ActivityCompletionException} when the activity was cancelled. */
    void heartbeat(TrainHeartbeat details);

    /** Tells the workflow (its {@code trainingProgress} signal); failures are the caller's to ignore. */
    void progress(TrainProgress progress);
}
