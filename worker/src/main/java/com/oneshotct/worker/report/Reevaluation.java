package com.oneshotct.worker.report;

import com.oneshotct.db.EvaluationScores;
import com.oneshotct.model.infer.ApProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the report measured itself by evaluating a checkpoint again: the paper's AP at each IoU threshold, which
 * the registry keeps only at 0.5 and 0.75 (and their mean), and the whole row as the registry would store it.
 *
 * @param split the split evaluated
 * @param protocol the detections that took part in AP
 * @param checkpointIteration the checkpoint's iteration
 * @param apAtThresholds AP at IoU 0.50, 0.55, ..., 0.95; empty when the split has no segmentation images
 * @param scores the registry's form of the evaluation; null when the split lacks classification or segmentation
 *     images (the registry needs both)
 */
public record Reevaluation(String split, ApProtocol protocol, int checkpointIteration, List<Double> apAtThresholds,
                           EvaluationScores scores) {
    public static final int THRESHOLDS = 10;

    public Reevaluation {
        apAtThresholds = List.copyOf(apAtThresholds);
        if (!apAtThresholds.isEmpty() && apAtThresholds.size() != THRESHOLDS) {
            throw new IllegalArgumentException("expected AP at " + THRESHOLDS + " IoU thresholds, got "
                    + apAtThresholds.size());
        }
    }

    /** The IoU threshold of position {@code i}: 0.50 + 0.05 i. */
    public static double threshold(int i) {
        return Math.round((0.50 + 0.05 * i) * 100) / 100.0;
    }

    /**
     * The figures in which this evaluation and the registry's row differ, as {@code name: registry X, now Y};
     * empty when they agree exactly (the same checkpoint on the same data should give the same numbers).
     */
    public List<String> differences(EvaluationScores registry) {
        List<String> out = new ArrayList<>();
        if (scores == null) {
            return out;
        }
        diff(out, "confusion matrix", registry.confusionMatrix(), scores.confusionMatrix());
        diff(out, "accuracy", registry.accuracy(), scores.accuracy());
        diff(out, "weighted F1", registry.weightedF1(), scores.weightedF1());
        diff(out, "macro F1", registry.macroF1(), scores.macroF1());
        diff(out, "sensitivity", registry.sensitivity(), scores.sensitivity());
        diff(out, "precision", registry.precision(), scores.precision());
        diff(out, "AP detections", ReportPage.apProtocol(registry), ReportPage.apProtocol(scores));
        diff(out, "AP@0.5", registry.ap50(), scores.ap50());
        diff(out, "AP@0.75", registry.ap75(), scores.ap75());
        diff(out, "mAP", registry.map(), scores.map());
        diff(out, "COCO AP", registry.cocoAp(), scores.cocoAp());
        return out;
    }

    private static void diff(List<String> out, String name, Object registry, Object now) {
        if (!Objects.equals(registry, now)) {
            out.add(name + ": registry " + registry + ", now " + now);
        }
    }
}
