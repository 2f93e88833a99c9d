package com.oneshotct.db;

import java.time.Instant;

/** A registered run. {@code datasetId} is null until the fetch stage links it; timings are null until reached. */
public record Run(String workflowId, String temporalRunId, String requestJson, String configHash,
                  String codeVersion, String backbone, String datasetName, String datasetId, RunStatus status,
                  Instant createdAt, Instant startedAt, Instant endedAt, Instant updatedAt, String error) {
}
