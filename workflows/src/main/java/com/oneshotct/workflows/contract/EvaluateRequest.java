package com.oneshotct.workflows.contract;

import java.util.List;

/**
 * Evaluate one checkpoint of the run on the dataset's splits.
 *
 * @param workflowId the run
 * @param dataset dataset name (the activity ensures its cache holds it)
 * @param datasetId manifest SHA-256
 * @param checkpoint the checkpoint to load
 * @param splits splits to evaluate, e.g. {@code ["test"]}
 * @param backbone backbone id of the checkpoint's model
 * @param imageSize input side of the checkpoint's model
 * @param device {@code cpu} or {@code gpu}
 */
public record EvaluateRequest(String workflowId, String dataset, String datasetId, CheckpointRef checkpoint,
        List<String> splits, String backbone, int imageSize, String device) {}
