package com.oneshotct.workflows.contract;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The registry's writes the workflow needs; every one is idempotent, so a retried activity is harmless. */
@ActivityInterface
public interface RegistryActivities {
    /** Stage "register": the run's row (a retry finds the row and returns). */
    @ActivityMethod
    void registerRun(RegisterRequest request);

    /**
     * The run's status ({@code running}, {@code waiting}, {@code failed}, {@code aborted}); {@code error} says why
     * for waiting/failed/aborted, else null.
     */
    @ActivityMethod
    void setRunStatus(String workflowId, String status, String error);

    /** The run's latest recorded checkpoint, or null when it has none. */
    @ActivityMethod
    CheckpointRef latestCheckpoint(String workflowId);

    /** Stage "register metrics": model version from the checkpoint, run succeeded. */
    @ActivityMethod
    RegisterMetricsResult registerMetrics(RegisterMetricsRequest request);

    /** Every recorded checkpoint of the run, by iteration (the validation catch-up after training). */
    @ActivityMethod
    java.util.List<CheckpointRef> checkpoints(String workflowId);

    /**
     * A sweep and all its points, before its first child starts (a retry finds the rows and returns; the same sweep
     * id with another input or other points fails as BadConfig).
     */
    @ActivityMethod
    void registerSweep(RegisterSweepRequest request);

    /** How the sweep ended: {@code completed}, {@code stopped}, {@code aborted} or {@code cancelled}. */
    @ActivityMethod
    void setSweepStatus(String sweepId, String status);
}
