package com.oneshotct.db;

import java.util.Objects;

/**
 * What the register stage knows: the workflow id (the run's id everywhere), Temporal's run id, the full request
 * as a JSON object (all defaults filled in), a hash of the training configuration, the code version, the backbone
 * and the dataset name. The dataset's content id is linked later, once the fetch stage has read the manifest.
 */
public record NewRun(String workflowId, String temporalRunId, String requestJson, String configHash,
                     String codeVersion, String backbone, String datasetName) {

    public NewRun {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(requestJson, "requestJson");
    }
}
