package com.oneshotct.workflows.pipeline;

import com.oneshotct.workflows.contract.CheckpointRef;
import java.util.Map;

/**
 * How a run ended.
 *
 * @param workflowId the run
 * @param status {@code succeeded} or {@code aborted}
 * @param datasetId manifest SHA-256 of the data it used (null if it never got that far)
 * @param iterations iterations trained
 * @param checkpoint the checkpoint evaluated and registered (null if none)
 * @param metrics evaluation headline figures by split then metric
 * @param modelName registered model name (null if none)
 * @param modelVersion registered model version (0 if none)
 * @param message why it was aborted, or why training ended before its iterations (a stop, an early stop), else null
 * @param validation the checkpoint validation that chose {@code checkpoint}; null when the run did not validate
 */
public record PipelineResult(String workflowId, String status, String datasetId, int iterations,
        CheckpointRef checkpoint, Map<String, Map<String, Double>> metrics, String modelName, int modelVersion,
        String message, ValidationProgress validation) {}
