package com.oneshotct.db;

import java.util.List;
import java.util.Objects;

/**
 * Everything one evaluation of one checkpoint on one split measures (model-spec section 9): the confusion matrix
 * and what follows from it, the paper's class-weighted F1 beside macro F1 and accuracy, the paper's per-image
 * segmentation AP at IoU 0.5, 0.75 and the mean over 0.50..0.95 ({@code map}), and COCO-style mask AP.
 * {@code apLabels}: which mask labels took part in AP, any of {@code lung}, {@code ggo}, {@code consolidation}.
 * {@code apMaxDetections} and {@code apScoreThreshold}: which detections took part in AP (at most that many per
 * image, each scoring above the threshold; the authors' protocol is 128 at 0.75, rows recorded before the registry
 * kept it were scored with 4 at 0.75).
 * Rates are fractions in [0, 1]. The database checks accuracy, sensitivity and precision against the matrix.
 */
public record EvaluationScores(String split, int imageCount, List<String> apLabels, ConfusionMatrix confusionMatrix,
                               double accuracy, double weightedF1, double macroF1,
                               ClassRates sensitivity, ClassRates precision,
                               double ap50, double ap75, double map,
                               double cocoAp, double cocoAp50, double cocoAp75,
                               int apMaxDetections, double apScoreThreshold) {

    public EvaluationScores {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(confusionMatrix, "confusionMatrix");
        Objects.requireNonNull(sensitivity, "sensitivity");
        Objects.requireNonNull(precision, "precision");
        apLabels = List.copyOf(apLabels);
    }

    /** The value of {@code metric}; null for a per-class rate that is undefined on this split. */
    public Double value(Metric metric) {
        return switch (metric) {
            case ACCURACY -> accuracy;
            case WEIGHTED_F1 -> weightedF1;
            case MACRO_F1 -> macroF1;
            case SENSITIVITY_NORMAL -> sensitivity.normal();
            case SENSITIVITY_CP -> sensitivity.cp();
            case SENSITIVITY_COVID -> sensitivity.covid();
            case PRECISION_NORMAL -> precision.normal();
            case PRECISION_CP -> precision.cp();
            case PRECISION_COVID -> precision.covid();
            case AP50 -> ap50;
            case AP75 -> ap75;
            case MAP -> map;
            case COCO_AP -> cocoAp;
            case COCO_AP50 -> cocoAp50;
            case COCO_AP75 -> cocoAp75;
        };
    }
}
