package com.oneshotct.db;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the registry knows about one run, read in one snapshot: the run, its dataset once linked, every
 * stage attempt, the metric curve, checkpoints with the latest pointer, evaluations and model versions.
 */
public record RunDetail(RunSummary summary, Run run, Optional<Dataset> dataset, List<StageAttempt> attempts,
                        List<MetricPoint> curve, List<Checkpoint> checkpoints, Optional<Checkpoint> latest,
                        List<Evaluation> evaluations, List<ModelVersion> modelVersions) {

    public RunDetail {
        attempts = List.copyOf(attempts);
        curve = List.copyOf(curve);
        checkpoints = List.copyOf(checkpoints);
        evaluations = List.copyOf(evaluations);
        modelVersions = List.copyOf(modelVersions);
    }

    /** The attempts grouped by stage, stages in run order; stages never attempted are absent. */
    public Map<Stage, List<StageAttempt>> stages() {
        Map<Stage, List<StageAttempt>> out = new LinkedHashMap<>();
        for (Stage s : Stage.values()) {
            for (StageAttempt a : attempts) {
                if (a.stage() == s) {
                    out.computeIfAbsent(s, k -> new ArrayList<>()).add(a);
                }
            }
        }
        return out;
    }
}
