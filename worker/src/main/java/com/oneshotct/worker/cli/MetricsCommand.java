package com.oneshotct.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.metrics.ClassificationCsv;
import com.oneshotct.model.metrics.ClassificationReport;
import com.oneshotct.model.metrics.CocoApResult;
import com.oneshotct.model.metrics.CocoDetection;
import com.oneshotct.model.metrics.CocoGroundTruth;
import com.oneshotct.model.metrics.CocoJson;
import com.oneshotct.model.metrics.CocoMaskAp;
import com.oneshotct.model.metrics.PaperAp;
import com.oneshotct.model.metrics.PaperApImage;
import com.oneshotct.model.metrics.PaperApResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code metrics}: the paper's metrics on files. Segmentation: {@code --gt GT.json --pred PRED.json} (COCO
 * instances file and results list, RLE masks) gives COCO mask AP and the paper's per-image AP. Classification:
 * {@code --classification CSV} (lines image,true,pred) gives sensitivity, precision, accuracy, weighted and macro F1.
 *
 * <p>{@code --json} output, stable keys:
 * <ul>
 *   <li>segmentation: {@code {"coco":{"AP","AP50","AP75"},"paper":{"AP50","AP75","mAP","labels":[...]}}}, where
 *       {@code labels} are the category ids that took part in the paper's AP (model-spec 9 asks every report to
 *       say which); COCO values are -1 when no category has ground truth, as in pycocotools;</li>
 *   <li>classification: {@code classes} (["Normal","CP","COVID"]); {@code sensitivity}, {@code precision},
 *       {@code f1}, {@code support}, {@code predicted}, each an object keyed by class name; {@code averaged_classes}
 *       (the classes in the macro and weighted F1); {@code accuracy}, {@code weighted_f1}, {@code macro_f1}; and
 *       {@code confusion_matrix} as rows (true) of columns (predicted). Undefined ratios are 0, see
 *       {@link ClassificationReport}.</li>
 * </ul>
 */
@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        description = {
            "Segmentation: COCO mask AP (pycocotools semantics) and the paper's per-image AP of a COCO results list"
                    + " against a COCO instances file (RLE masks).",
            "Classification: sensitivity, precision, accuracy, the paper's weighted F1 (0.45/0.35/0.20) and macro F1"
                    + " of a CSV of image,true,pred lines."
        })
public final class MetricsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gt", paramLabel = "GT.json", description = "COCO instances file: images, annotations (RLE).")
    Path gt;

    @Option(names = "--pred", paramLabel = "PRED.json", description = "COCO results list (RLE segmentations).")
    Path pred;

    @Option(names = "--classification", paramLabel = "CSV", description = "Lines image,true,pred; classes 0..2.")
    Path classification;

    @Option(names = "--labels", split = ",", paramLabel = "ID",
            description = "Category ids that take part in the paper's AP (e.g. 2,3 for GGO and consolidation);"
                    + " default: all.")
    List<Integer> labels;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        boolean seg = gt != null || pred != null;
        if (seg == (classification != null)) {
            throw new ParameterException(spec.commandLine(),
                    "give either --gt GT.json --pred PRED.json, or --classification CSV");
        }
        if (seg && (gt == null || pred == null)) {
            throw new ParameterException(spec.commandLine(), "segmentation metrics need both --gt and --pred");
        }
        if (!seg && labels != null) {
            throw new ParameterException(spec.commandLine(), "--labels applies to segmentation metrics only");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (seg) {
            segmentation(out);
        } else {
            classification(out);
        }
        out.flush();
        return 0;
    }

    private void segmentation(PrintWriter out) throws Exception {
        CocoGroundTruth truth = CocoJson.readGroundTruth(gt);
        List<CocoDetection> dets = CocoJson.readResults(pred, truth);
        if (truth.images().isEmpty()) {
            throw new DataException(gt, "no images: nothing to evaluate");
        }
        CocoApResult coco = CocoMaskAp.evaluate(truth, dets);
        Set<Integer> filter = labels == null ? null : new TreeSet<>(labels);
        PaperApResult paper = PaperAp.evaluate(PaperApImage.fromCoco(truth, dets), filter);
        if (json) {
            ObjectMapper m = new ObjectMapper();
            out.println(m.writeValueAsString(ScoreFormat.segmentationJson(m, null, coco, paper)));
            return;
        }
        out.printf(Locale.ROOT, "%d images, %d ground-truth instances, %d detections%n", truth.images().size(),
                truth.annotations().size(), dets.size());
        out.printf(Locale.ROOT, "AP detections: all of the results file's (at most %d on one image, lowest score"
                + " %s)%n", mostPerImage(dets), dets.stream().mapToDouble(CocoDetection::score).min().stream()
                .mapToObj(v -> String.format(Locale.ROOT, "%.4f", v)).findFirst().orElse("n/a"));
        ScoreFormat.printSegmentation(out, null, coco, paper, CocoMaskAp.MAX_DETS);
    }

    private static long mostPerImage(List<CocoDetection> dets) {
        return dets.stream().collect(java.util.stream.Collectors.groupingBy(CocoDetection::imageId,
                java.util.stream.Collectors.counting())).values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private void classification(PrintWriter out) throws Exception {
        ClassificationReport r = ClassificationReport.of(ClassificationCsv.confusion(classification));
        if (json) {
            ObjectMapper m = new ObjectMapper();
            out.println(m.writeValueAsString(ScoreFormat.classificationJson(m, r)));
            return;
        }
        ScoreFormat.printClassification(out, r);
    }
}
