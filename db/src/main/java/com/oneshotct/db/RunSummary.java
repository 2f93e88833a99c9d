package com.oneshotct.db;

import java.time.Instant;

/**
 * One row of the {@code run_summary} view: a run with its progress and best scores. Nullable numbers are null
 * where nothing was recorded yet (no metric point, no checkpoint, no evaluation). {@code failedAttempts} counts
 * every attempt that failed, timed out, was cancelled or was lost; {@code lostAttempts} how many of those were lost
 * (closed by nobody: its worker died or its run's workflow vanished). The {@code best*} scores are of the test-side
 * evaluations; {@code validations} and the {@code bestVal*} scores are of the checkpoints scored while the run
 * trained (split {@code val}).
 */
public record RunSummary(String workflowId, RunStatus status, String backbone, String datasetName,
                         String datasetId, String codeVersion, String configHash, Instant createdAt,
                         Instant startedAt, Instant endedAt, Double durationSeconds, String error,
                         Stage currentStage, int attempts, int failedAttempts, Integer lastIteration,
                         Integer lastEpoch, int checkpoints, Integer latestCheckpointIteration,
                         String latestCheckpointKey, int evaluations, Double bestAccuracy, Double bestWeightedF1,
                         Double bestMacroF1, Double bestMap, Double bestCocoAp, int lostAttempts,
                         int validations, Double bestValWeightedF1, Double bestValMap) {
}
