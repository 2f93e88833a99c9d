package com.oneshotct.worker.report;

import static com.oneshotct.worker.report.ReportWriterTest.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.db.Evaluation;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.Metric;
import com.oneshotct.db.Registry;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.worker.runtime.TinyPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real run ({@link TinyPipeline}'s, shared with the pipeline's end-to-end test), written as the demo
 * writes it, from the services' environment: its numbers are the registry's, and evaluating the same checkpoint on
 * the same split again reproduces the registry's row, AP at 0.5 and 0.75 included.
 */
@ExtendWith(TinyPipeline.class)
class RunReportEndToEndTest {

    @Test
    void theReportOfARealRunHoldsTheRegistrysNumbers(TinyPipeline.Run run, @TempDir Path dir) throws Exception {
        List<String> progress = new ArrayList<>();
        long start = System.nanoTime();
        ReportWriter.Written w = RunReport.write(run.env(), TinyPipeline.WORKFLOW_ID, dir.resolve("report"),
                new RunReport.Options(3, ai.djl.Device.cpu()), progress::add);
        System.out.printf("report of the tiny run: %.1f s%n", (System.nanoTime() - start) / 1e9);
        // the overlays show the first test slices by name (the tiny dataset has fewer than 3)
        Registry registry = run.db().registry();
        String datasetId = registry.runs().get(TinyPipeline.WORKFLOW_ID).datasetId();
        List<String> first = CtDataset.open(run.cache().resolve("datasets").resolve(datasetId)).segmentation()
                .stream().filter(i -> i.split().equals("test")).map(SegmentationItem::name).sorted().limit(3).toList();
        assertTrue(!first.isEmpty(), "the test split has segmentation slices");
        assertEquals(first, w.inputs().overlays().stream().map(SliceOverlay::name).toList());
        List<Evaluation> evals = registry.evaluations().evaluations(TinyPipeline.WORKFLOW_ID).stream()
                .filter(e -> !e.validation()).toList();
        assertEquals(1, evals.size(), "one test evaluation, of the checkpoint the run chose on validation");
        Evaluation row = evals.get(0);
        String joined = String.join("\n", progress);
        for (String phase : List.of("reading run", "fetching checkpoint of iteration " + row.checkpointIteration(),
                "fetching dataset 'e2e-data'",
                "evaluating split 'test'", "overlay " + first.size() + "/" + first.size(), "writing the page")) {
            assertTrue(joined.contains(phase), phase + " in " + joined);
        }

        EvaluationScores s = row.scores();
        ReportInputs in = w.inputs();
        assertEquals(row.checkpointId(), in.checkpoint().id(), "the checkpoint the evaluation scored");
        Reevaluation re = in.reevaluation();
        assertEquals("test", re.split());
        // the same checkpoint on the same split, evaluated again: the same figures, to the last bit
        assertEquals(s.ap50(), re.apAtThresholds().get(0));
        assertEquals(s.ap75(), re.apAtThresholds().get(5));
        assertEquals(List.of(), re.differences(s), "the report's evaluation against the registry's row");

        String html = Files.readString(w.index());
        String at = "\" data-split=\"test\" data-iteration=\"" + row.checkpointIteration() + "\"";
        Map<String, Metric> shown = Map.ofEntries(Map.entry("accuracy", Metric.ACCURACY),
                Map.entry("weighted_f1", Metric.WEIGHTED_F1), Map.entry("macro_f1", Metric.MACRO_F1),
                Map.entry("sensitivity_normal", Metric.SENSITIVITY_NORMAL),
                Map.entry("sensitivity_cp", Metric.SENSITIVITY_CP),
                Map.entry("sensitivity_covid", Metric.SENSITIVITY_COVID),
                Map.entry("precision_normal", Metric.PRECISION_NORMAL), Map.entry("precision_cp", Metric.PRECISION_CP),
                Map.entry("precision_covid", Metric.PRECISION_COVID), Map.entry("ap50", Metric.AP50),
                Map.entry("ap75", Metric.AP75), Map.entry("map", Metric.MAP), Map.entry("coco_ap", Metric.COCO_AP));
        shown.forEach((key, metric) -> assertEquals(ReportPage.number(s.value(metric)),
                cell(html, "data-metric=\"" + key + at), key));
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                assertEquals(String.valueOf(s.confusionMatrix().get(t, p)),
                        cell(html, "data-true=\"" + t + "\" data-predicted=\"" + p + "\""));
            }
        }
        assertEquals(ReportPage.number(s.ap50()), cell(html, "data-iou=\"0.50\""));
        assertEquals(ReportPage.number(s.ap75()), cell(html, "data-iou=\"0.75\""));
        assertTrue(html.contains("This evaluation reproduces the registry's row exactly."));
        // loss, validation, confusion, sensitivity, AP per IoU and the slices, each a PNG that decodes
        assertEquals(5 + first.size(), w.images().size(), w.images().toString());
        assertTrue(html.contains("<h2>Validation while training</h2>"), "the validation scores' chart");
        for (Path p : w.images()) {
            assertNotNull(ImageIO.read(p.toFile()), p.toString());
        }
        assertTrue(html.contains("<td>" + TinyPipeline.WORKFLOW_ID + "</td>"));
        assertEquals(5 + 2, in.attempts().size(), "one attempt of each stage, one scoring of each checkpoint");
    }
}
