package com.oneshotct.devstack.demo;

import com.oneshotct.model.infer.ApProtocol;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run learned: its test-split figures untrained (iteration 0: the same seed's initial weights) and trained,
 * side by side on the same split, then the published ones (model-spec section 10) as context only, clearly
 * labelled: the run's come from its own synthetic data and model, the references from CNCB-NCOV (two readings of the one-shot model: the paper's
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

    private static final String LABEL = "%-36s";
    private static final String RUN = " %18s";
    private static final String REF = "  %20s";

    private PaperTable() {}

    /**
     * Prints the table; {@code untrained} may be null (then only the trained column). The AP protocol is the
     * trained run's, and the untrained model is scored under the same.
     */
    public static void print(PrintWriter out, Map<String, Double> untrained, Map<String, Double> run,
            String runLabel) {
        Double cap = run.get("ap_max_detections");
        Double threshold = run.get("ap_score_threshold");
        if (cap != null && threshold != null) {
            out.println("AP of the run: " + new ApProtocol(cap.intValue(), threshold) + " (the authors' protocol is "
                    + ApProtocol.AUTHORS.maxDetections() + " at " + ApProtocol.AUTHORS.scoreThreshold() + ")");
        }
        List<Map<String, Double>> runs = untrained == null ? List.of(run) : List.of(untrained, run);
        List<String> heads = untrained == null ? List.of(runLabel) : List.of("untrained", runLabel);
        List<String> subs = untrained == null ? List.of("synthetic data")
                : List.of("iteration 0", "synthetic data");
        out.printf(Locale.ROOT, LABEL, "metric (test split)");
        heads.forEach(h -> out.printf(Locale.ROOT, RUN, h));
        out.print("  | paper, for context:");
        out.println();
        out.printf(Locale.ROOT, LABEL, "");
        subs.forEach(h -> out.printf(Locale.ROOT, RUN, h));
        out.print("  |");
        REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, c.head()));
        out.println();
        out.printf(Locale.ROOT, LABEL, "");
        runs.forEach(r -> out.printf(Locale.ROOT, RUN, ""));
        out.print("  |");
        REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, c.sub()));
        out.println();
        for (Row r : ROWS) {
            out.printf(Locale.ROOT, LABEL, r.label());
            runs.forEach(x -> out.printf(Locale.ROOT, RUN, cell(x.get(r.key()), "n/a")));
            out.print("  |");
            REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, cell(c.values().get(r.key()), "-")));
            out.println();
        }
        for (String extra : List.of("accuracy", "macro_f1", "coco_ap")) {
            if (run.get(extra) != null) {
                out.printf(Locale.ROOT, LABEL, extra.replace('_', ' ') + " (not in the paper)");
                runs.forEach(x -> out.printf(Locale.ROOT, RUN, cell(x.get(extra), "n/a")));
                out.print("  |");
                REFERENCES.forEach(c -> out.printf(Locale.ROOT, REF, "-"));
                out.println();
            }
        }
        out.println("(the run's columns: its own synthetic test split; the paper's: real CT, other data and training,"
                + " not a target for a demo. inf.: the backbone is inferred from the authors' README; iCTCF's F1 is"
                + " a class-frequency-weighted F1 over its 2 classes)");
    }

    private static String cell(Double v, String absent) {
        return v == null ? absent : String.format(Locale.ROOT, "%.3f", v);
    }
}
