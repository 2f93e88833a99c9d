package com.oneshotct.activities.evaluate;

import com.oneshotct.db.ClassRates;
import com.oneshotct.db.ConfusionMatrix;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.model.infer.Evaluation;
import com.oneshotct.model.metrics.ClassificationReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An {@link Evaluation} as the registry stores it, and as the workflow's headline figures. */
public final class Scores {
    /** Headline keys of the AP protocol. */
    public static final String AP_MAX_DETECTIONS = "ap_max_detections";
    public static final String AP_SCORE_THRESHOLD = "ap_score_threshold";
    private static final List<String> LABELS = List.of("background", "lung", "ggo", "consolidation");

    private Scores() {}

    /**
     * The registry's row; a per-class rate with an empty denominator is null, as the schema wants. The split must
     * hold classification and segmentation images: the registry's evaluation row has both halves.
     */
    public static EvaluationScores of(Evaluation e) {
        ClassificationReport r = e.classification();
        if (r == null || e.paperAp() == null) {
            throw new IllegalArgumentException("split '" + e.split() + "' needs classification and segmentation"
                    + " images to be evaluated, it has " + e.predictions().size() + " and "
                    + e.imageNames().size());
        }
        if (e.coco().ap() < 0) {
            throw new IllegalArgumentException("split '" + e.split() + "' has no ground-truth masks of the labels "
                    + e.apLabels() + ": COCO AP is undefined");
        }
        long[][] cm = r.confusionMatrix();
        int[][] counts = new int[3][3];
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                counts[t][p] = Math.toIntExact(cm[t][p]);
            }
        }
        Double[] sens = new Double[3];
        Double[] prec = new Double[3];
        for (int c = 0; c < 3; c++) {
            sens[c] = r.support(c) == 0 ? null : r.sensitivity(c);
            prec[c] = r.predicted(c) == 0 ? null : r.precision(c);
        }
        return new EvaluationScores(e.split(), e.predictions().size(),
                e.apLabels().stream().map(LABELS::get).toList(), ConfusionMatrix.of(counts), r.accuracy(),
                r.weightedF1(), r.macroF1(), new ClassRates(sens[0], sens[1], sens[2]),
                new ClassRates(prec[0], prec[1], prec[2]), e.paperAp().ap50(), e.paperAp().ap75(), e.paperAp().map(),
                e.coco().ap(), e.coco().ap50(), e.coco().ap75(), e.protocol().maxDetections(),
                e.protocol().scoreThreshold());
    }

    /**
     * accuracy, weighted_f1, macro_f1, sensitivity_*, ap50, ap75, map, coco_ap, coco_ap50, coco_ap75, and the AP
     * protocol they were scored under: ap_max_detections, ap_score_threshold.
     */
    public static Map<String, Double> headline(EvaluationScores s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", s.accuracy());
        m.put("weighted_f1", s.weightedF1());
        m.put("macro_f1", s.macroF1());
        m.put("sensitivity_normal", s.sensitivity().normal());
        m.put("sensitivity_cp", s.sensitivity().cp());
        m.put("sensitivity_covid", s.sensitivity().covid());
        m.put("ap50", s.ap50());
        m.put("ap75", s.ap75());
        m.put("map", s.map());
        m.put("coco_ap", s.cocoAp());
        m.put("coco_ap50", s.cocoAp50());
        m.put("coco_ap75", s.cocoAp75());
        m.put(AP_MAX_DETECTIONS, (double) s.apMaxDetections());
        m.put(AP_SCORE_THRESHOLD, s.apScoreThreshold());
        m.values().removeIf(java.util.Objects::isNull);
        return m;
    }
}
