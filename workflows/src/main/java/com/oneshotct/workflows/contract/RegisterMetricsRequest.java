package com.oneshotct.workflows.contract;

/**
 * Close the run: promote {@code checkpoint} to a new version of model {@code modelName} and mark the run
 * succeeded.
 */
public record RegisterMetricsRequest(String workflowId, CheckpointRef checkpoint, String modelName) {}
