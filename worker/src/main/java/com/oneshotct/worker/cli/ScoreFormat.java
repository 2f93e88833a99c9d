package com.oneshotct.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.model.metrics.ClassificationReport;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.metrics.CocoApResult;
import com.oneshotct.model.metrics.PaperApResult;
import java.io.PrintWriter;
import java.util.Locale;

/** The paper's scores as a table or JSON, shared by {@code metrics} and {@code evaluate}. */
final class ScoreFormat {
    static final String[] CLASS_NAMES = {"Normal", "CP", "COVID"};

    private ScoreFormat() {}

    /**
     * {@code classes}; {@code sensitivity}, {@code precision}, {@code f1}, {@code support}, {@code predicted} keyed
     * by class name; {@code averaged_classes}; {@code accuracy}, {@code weighted_f1}, {@code macro_f1};
     * {@code confusion_matrix} rows (true) of columns (predicted).
     */
    static ObjectNode classificationJson(ObjectMapper m, ClassificationReport r) {
        int n = r.classes();
        ObjectNode root = m.createObjectNode();
        ArrayNode names = root.putArray("classes");
        ObjectNode sens = root.putObject("sensitivity");
        ObjectNode prec = root.putObject("precision");
        ObjectNode f1 = root.putObject("f1");
        ObjectNode support = root.putObject("support");
        ObjectNode predicted = root.putObject("predicted");
        ArrayNode averaged = root.putArray("averaged_classes");
        for (int c = 0; c < n; c++) {
            names.add(CLASS_NAMES[c]);
            sens.put(CLASS_NAMES[c], r.sensitivity(c));
            prec.put(CLASS_NAMES[c], r.precision(c));
            f1.put(CLASS_NAMES[c], r.f1(c));
            support.put(CLASS_NAMES[c], r.support(c));
            predicted.put(CLASS_NAMES[c], r.predicted(c));
            if (r.averaged(c)) {
                averaged.add(CLASS_NAMES[c]);
            }
        }
        root.put("accuracy", r.accuracy()).put("weighted_f1", r.weightedF1()).put("macro_f1", r.macroF1());
        ArrayNode cm = root.putArray("confusion_matrix");
        for (int t = 0; t < n; t++) {
            ArrayNode row = cm.addArray();
            for (int p = 0; p < n; p++) {
                row.add(r.confusion(t, p));
            }
        }
        return root;
    }

    static void printClassification(PrintWriter out, ClassificationReport r) {
        int n = r.classes();
        out.println("confusion matrix (rows true, columns predicted)");
        out.printf(Locale.ROOT, "  %-8s", "");
        for (int p = 0; p < n; p++) {
            out.printf(Locale.ROOT, " %8s", CLASS_NAMES[p]);
        }
        out.println();
        for (int t = 0; t < n; t++) {
            out.printf(Locale.ROOT, "  %-8s", CLASS_NAMES[t]);
            for (int p = 0; p < n; p++) {
                out.printf(Locale.ROOT, " %8d", r.confusion(t, p));
            }
            out.println();
        }
        out.printf(Locale.ROOT, "  %-8s %11s %9s %8s %8s%n", "class", "sensitivity", "precision", "F1", "support");
        for (int c = 0; c < n; c++) {
            String note = !r.averaged(c) ? "  (absent: not averaged)"
                    : r.support(c) == 0 ? "  (no true samples: sensitivity 0 by rule)"
                    : r.predicted(c) == 0 ? "  (never predicted: precision 0 by rule)" : "";
            out.printf(Locale.ROOT, "  %-8s %11.4f %9.4f %8.4f %8d%s%n", CLASS_NAMES[c], r.sensitivity(c),
                    r.precision(c), r.f1(c), r.support(c), note);
        }
        out.printf(Locale.ROOT, "accuracy %.4f, weighted F1 %.4f (weights 0.45/0.35/0.20 over the classes present),"
                + " macro F1 %.4f%n", r.accuracy(), r.weightedF1(), r.macroF1());
    }

    /**
     * {@code {"protocol":{"max_detections","score_threshold"},"coco":{"AP","AP50","AP75"},
     * "paper":{"AP50","AP75","mAP","labels":[...]}}}; no protocol when the detections came as they are (a file).
     */
    static ObjectNode segmentationJson(ObjectMapper m, ApProtocol protocol, CocoApResult coco, PaperApResult paper) {
        ObjectNode root = m.createObjectNode();
        if (protocol != null) {
            root.putObject("protocol").put("max_detections", protocol.maxDetections())
                    .put("score_threshold", protocol.scoreThreshold());
        }
        root.putObject("coco").put("AP", coco.ap()).put("AP50", coco.ap50()).put("AP75", coco.ap75());
        ObjectNode p = root.putObject("paper").put("AP50", paper.ap50()).put("AP75", paper.ap75())
                .put("mAP", paper.map());
        ArrayNode l = p.putArray("labels");
        paper.labels().forEach(l::add);
        return root;
    }

    static void printSegmentation(PrintWriter out, ApProtocol protocol, CocoApResult coco, PaperApResult paper,
                                  int maxDets) {
        if (protocol != null) {
            out.printf(Locale.ROOT, "AP detections: %s%n", protocol);
        }
        out.printf(Locale.ROOT, "COCO mask AP (pycocotools semantics, area all, maxDets %d)%n", maxDets);
        out.printf(Locale.ROOT, "  %-8s %-8s %-8s%n", "AP", "AP50", "AP75");
        out.printf(Locale.ROOT, "  %-8.4f %-8.4f %-8.4f%n", coco.ap(), coco.ap50(), coco.ap75());
        coco.perCategory().forEach((c, v) -> out.printf(Locale.ROOT, "  category %d: AP %s%n", c,
                v < 0 ? "n/a (no ground truth)" : String.format(Locale.ROOT, "%.4f", v)));
        out.printf(Locale.ROOT, "paper per-image AP (IoU > t, mean over images), labels %s%s%n",
                paper.labels(), paper.filtered() ? "" : " (all)");
        out.printf(Locale.ROOT, "  %-8s %-8s %-8s%n", "AP50", "AP75", "mAP");
        out.printf(Locale.ROOT, "  %-8.4f %-8.4f %-8.4f%n", paper.ap50(), paper.ap75(), paper.map());
    }
}
