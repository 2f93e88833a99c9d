package com.oneshotct.workflows.contract;

/**
 * Close the run: promote {@code checkpoint} to a new version of model {@code modelName} and mark the run succeeded.
 *
 * @param checkpoint the checkpoint the run chose (the best on validation when it validated, else its last)
 * @param last the run's last checkpoint, when it validated: it becomes a version too, with alias {@code latest},
 *     while {@code checkpoint} takes alias {@code best} (one version takes both when they are the same); null
 *     (runs that did not validate, and workflows older than validation) gives {@code checkpoint} alias
 *     {@code latest} alone
 */
public record RegisterMetricsRequest(String workflowId, CheckpointRef checkpoint, String modelName,
        CheckpointRef last) {
    public RegisterMetricsRequest(String workflowId, CheckpointRef checkpoint, String modelName) {
        this(workflowId, checkpoint, modelName, null);
    }
}
