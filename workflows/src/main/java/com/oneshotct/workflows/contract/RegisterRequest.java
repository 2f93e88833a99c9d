package com.oneshotct.workflows.contract;

/**
 * The register stage's input: the run's identity and its request with every default filled in.
 *
 * @param workflowId the run's id everywhere (Temporal workflow id, registry key, object-key prefix)
 * @param temporalRunId Temporal's run id of this execution
 * @param requestJson the validated request as a JSON object, defaults filled in
 * @param configHash SHA-256 of the training configuration's canonical form
 * @param backbone backbone id, e.g. {@code resnet18}
 * @param dataset dataset name in object storage
 */
public record RegisterRequest(String workflowId, String temporalRunId, String requestJson, String configHash,
        String backbone, String dataset) {}
