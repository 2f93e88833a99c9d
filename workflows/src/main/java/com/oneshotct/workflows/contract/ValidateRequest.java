package com.oneshotct.workflows.contract;

/**
 * Score one checkpoint on the validation images while the run trains.
 *
 * @param workflowId the run
 * @param dataset dataset name (the activity ensures its cache holds it)
 * @param datasetId the version the run trains on
 * @param checkpoint the checkpoint to score
 * @param split the validation split's name (a task without it is validated on its training split)
 * @param maxImages the most images of each task
 * @param backbone backbone id of the checkpoint's model
 * @param imageSize input side of the checkpoint's model
 * @param device {@code cpu} or {@code gpu}
 */
public record ValidateRequest(String workflowId, String dataset, String datasetId, CheckpointRef checkpoint,
        String split, int maxImages, String backbone, int imageSize, String device) {}
