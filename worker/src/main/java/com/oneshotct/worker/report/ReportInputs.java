package com.oneshotct.worker.report;

import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Dataset;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.MetricPoint;
import com.oneshotct.db.Run;
import com.oneshotct.db.StageAttempt;
import java.util.List;
import java.util.Objects;

/**
 * Everything a run's report shows, gathered before anything is drawn: the registry's records of the run and what
 * the report computed itself (a fresh evaluation, overlays).
 *
 * @param run the run
 * @param dataset its dataset once linked, else null
 * @param checkpoint the checkpoint the report evaluated (the latest evaluation's, else the latest), else null
 * @param attempts every stage attempt
 * @param curve the training losses
 * @param evaluations every evaluation row of the run
 * @param focus the evaluation row whose confusion matrix and sensitivities are drawn, else null
 * @param reevaluation the report's own evaluation of {@code checkpoint}, else null
 * @param overlays test slices with prediction and ground truth
 * @param notes why a section is missing or what to know about it, plain text
 */
public record ReportInputs(Run run, Dataset dataset, Checkpoint checkpoint, List<StageAttempt> attempts,
                           List<MetricPoint> curve, List<Evaluation> evaluations, Evaluation focus,
                           Reevaluation reevaluation, List<SliceOverlay> overlays, List<String> notes) {
    public ReportInputs {
        Objects.requireNonNull(run, "run");
        attempts = List.copyOf(attempts);
        curve = List.copyOf(curve);
        evaluations = List.copyOf(evaluations);
        overlays = List.copyOf(overlays);
        notes = List.copyOf(notes);
    }
}
