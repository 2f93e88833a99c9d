package com.oneshotct.worker.demo;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's test-split figures beside the paper's (model-spec section 10), clearly labelled: the run's come from
 * synthetic slices and a small model, the paper's from CNCB-NCOV and ResNeXt101.
 */
public final class PaperTable {
    /** metric key, label, the paper's value (fractions). */
    private record Row(String key, String label, double paper) {}

    private static final List<Row> ROWS = List.of(
            new Row("ap50", "AP@0.5 (paper's per-image mask AP)", 0.605),
            new Row("ap75", "AP@0.75", 0.497),
            new Row("map", "mAP@[.5:.95]", 0.470),
            new Row("sensitivity_covid", "COVID-19 sensitivity", 0.9574),
            new Row("sensitivity_cp", "CP sensitivity", 0.9813),
            new Row("sensitivity_normal", "Normal sensitivity", 0.9927),
            new Row("weighted_f1", "weighted F1 (0.45/0.35/0.20)", 0.9815));

    private PaperTable() {}

    public static void print(PrintWriter out, Map<String, Double> run, String runLabel) {
        out.printf(Locale.ROOT, "%-38s %22s %24s%n", "metric (test split)", runLabel, "paper: CNCB-NCOV,");
        out.printf(Locale.ROOT, "%-38s %22s %24s%n", "", "synthetic data", "ResNeXt101 one-shot");
        for (Row r : ROWS) {
            Double v = run.get(r.key());
            out.printf(Locale.ROOT, "%-38s %22s %24.3f%n", r.label(),
                    v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v), r.paper());
        }
        for (String extra : List.of("accuracy", "macro_f1", "coco_ap")) {
            Double v = run.get(extra);
            if (v != null) {
                out.printf(Locale.ROOT, "%-38s %22.3f %24s%n", extra.replace('_', ' ') + " (not in the paper)", v, "-");
            }
        }
    }
}
