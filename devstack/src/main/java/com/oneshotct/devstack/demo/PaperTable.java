package com.oneshotct.devstack.demo;

import com.oneshotct.model.infer.ApProtocol;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's test-split figures beside the published ones (model-spec section 10), clearly labelled: the run's come
 * from its own data and model, the references from CNCB-NCOV (two readings of the one-shot model: the paper's
 * headline, its backbone inferred as ResNeXt101 from the authors' README, and the README's figures before
 * 2021-02-16, probably the released ResNeXt50, also inferred) and from iCTCF-CT (2 classes). The AP protocol the
 * run was scored under is printed above the table.
 */
public final class PaperTable {
    /** metric key and label, in print order. */
    private record Row(String key, String label) {}

    /** A reference column: two header lines and its values (fractions) by metric key; absent = not reported. */
    record Column(String head, String sub, Map<String, Double> values) {}

    private static final List<Row> ROWS = List.of(
            new Row("ap50", "AP@0.5 (paper's per-image mask AP)"),
            new Row("ap75", "AP@0.75"),
            new Row("map", "mAP@[.5:.95]"),
            new Row("sensitivity_covid", "COVID-19 sensitivity"),
            new Row("sensitivity_cp", "CP sensitivity"),
            new Row("sensitivity_normal", "Normal sensitivity"),
            new Row("weighted_f1", "weighted F1 (0.45/0.35/0.20)"));

    static final List<Column> REFERENCES = List.of(
            new Column("CNCB-NCOV, paper", "ResNeXt101 (inf.)", Map.of("ap50", 0.605, "ap75", 0.497, "map", 0.470,
                    "sensitivity_covid", 0.9574, "sensitivity_cp", 0.9813, "sensitivity_normal", 0.9927,
                    "weighted_f1", 0.9815)),
            new Column("CNCB, README<2021-02", "ResNeXt50 (inf.)", Map.of("ap50", 0.587, "ap75", 0.465, "map", 0.442,
                    "sensitivity_covid", 0.9535, "sensitivity_cp", 0.9820, "sensitivity_normal", 0.9930,
                    "weighted_f1", 0.9810)),
            new Column("iCTCF-CT, paper", "2 classes", Map.of("sensitivity_covid", 0.9773,
                    "sensitivity_normal", 0.9868, "weighted_f1", 0.9841)));

    private static final String ROW = "%-36s %20s";
    private static final String REF = "  %20s";

    private PaperTable() {}

    public static void print(PrintWriter out, Map<String, Double> run, String runLabel) {
        Double cap = run.get("ap_max_detections");
        Double threshold = run.get("ap_score_threshold");
        if (cap != null && threshold != null) {
            out.println("AP of the run: " + new ApProtocol(cap.intValue(), threshold) + " (the authors' protocol is "
                    + ApProtocol.AUTHORS.maxDetections() + " at " + ApProtocol.AUTHORS.scoreThreshold() + ")");
        }
        out.printf(Locale.ROOT, ROW, "metric (test split)", runLabel);
        REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, c.head()));
        out.println();
        out.printf(Locale.ROOT, ROW, "", "synthetic data");
        REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, c.sub()));
        out.println();
        for (Row r : ROWS) {
            out.printf(Locale.ROOT, ROW, r.label(), cell(run.get(r.key()), "n/a"));
            REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, cell(c.values().get(r.key()), "-")));
            out.println();
        }
        for (String extra : List.of("accuracy", "macro_f1", "coco_ap")) {
            Double v = run.get(extra);
            if (v != null) {
                out.printf(Locale.ROOT, ROW, extra.replace('_', ' ') + " (not in the paper)", cell(v, "n/a"));
                REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, "-"));
                out.println();
            }
        }
        out.println("(inf.: the backbone is inferred from the authors' README, not stated in the paper; iCTCF's F1"
                + " is a class-frequency-weighted F1 over its 2 classes)");
    }

    private static String cell(Double v, String absent) {
        return v == null ? absent : String.format(Locale.ROOT, "%.3f", v);
    }
}
