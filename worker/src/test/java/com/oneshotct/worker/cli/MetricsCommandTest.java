package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.worker.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MetricsCommandTest {
    private static final double TOL = 1e-12;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** The command as the launcher runs it: under Main, whose handler turns bad input into exit code 2. */
    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "metrics";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    /**
     * Image 1 is 4x4, image 2 is 2x3 (height x width). GT, category 2: on image 1 the pixels (0,0), (1,0) -
     * column-major counts [0, 2, 14]; on image 2 every pixel - [0, 6]. Predictions, both on image 1: pixel (3,3),
     * the last one - [15, 1] - with score .9 (a false positive), and the GT mask with score .8.
     */
    private void writeSegmentation() throws IOException {
        Files.writeString(dir.resolve("gt.json"), """
                {"images":[{"id":1,"width":4,"height":4},{"id":2,"width":3,"height":2}],
                 "categories":[{"id":2,"name":"GGO"}],
                 "annotations":[
                  {"id":1,"image_id":1,"category_id":2,"iscrowd":0,"segmentation":{"size":[4,4],"counts":[0,2,14]}},
                  {"id":2,"image_id":2,"category_id":2,"iscrowd":0,"segmentation":{"size":[2,3],"counts":[0,6]}}]}
                """);
        Files.writeString(dir.resolve("pred.json"), """
                [{"image_id":1,"category_id":2,"score":0.9,"segmentation":{"size":[4,4],"counts":[15,1]}},
                 {"image_id":1,"category_id":2,"score":0.8,"segmentation":{"size":[4,4],"counts":[0,2,14]}}]
                """);
    }

    @Test
    void segmentationJson() throws IOException {
        writeSegmentation();
        assertEquals(0, run("--gt", dir.resolve("gt.json").toString(), "--pred", dir.resolve("pred.json").toString(),
                "--json"), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        // COCO: 2 GTs; by score FP, TP: recall [0, .5], precision [0, .5] -> monotone [.5, .5]; recall thresholds
        // 0 .. 0.50 (51 of 101) read .5, above .5 read 0 -> 51 * .5 / 101 = 51/202 at every IoU threshold
        assertEquals(51.0 / 202, j.at("/coco/AP").doubleValue(), TOL);
        assertEquals(51.0 / 202, j.at("/coco/AP50").doubleValue(), TOL);
        assertEquals(51.0 / 202, j.at("/coco/AP75").doubleValue(), TOL);
        // paper: image 1 hits [F, T] for 1 GT -> .5; image 2 GT without predictions -> 0; mean .25 at every t
        assertEquals(0.25, j.at("/paper/AP50").doubleValue(), TOL);
        assertEquals(0.25, j.at("/paper/AP75").doubleValue(), TOL);
        assertEquals(0.25, j.at("/paper/mAP").doubleValue(), TOL);
        assertEquals(2, j.at("/paper/labels/0").intValue());
    }

    @Test
    void segmentationTableAndLabelFilter() throws IOException {
        writeSegmentation();
        assertEquals(0, run("--gt", dir.resolve("gt.json").toString(), "--pred", dir.resolve("pred.json").toString(),
                "--labels", "3"), err.toString());
        String text = out.toString();
        assertTrue(text.contains("0.2525"), text); // 51/202 = 0.25247...
        // no GT and no predictions of label 3 on either image: both score 1
        assertTrue(text.contains("labels [3]"), text);
        assertTrue(text.contains("1.0000   1.0000   1.0000"), text);
    }

    @Test
    void classificationJson() throws IOException {
        // the 3-class case of ClassificationReportTest: rows true [5 1 0], [2 3 1], [0 1 4]
        StringBuilder csv = new StringBuilder("image,true,pred\n");
        int[][] cm = {{5, 1, 0}, {2, 3, 1}, {0, 1, 4}};
        int n = 0;
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                for (int k = 0; k < cm[t][p]; k++) {
                    csv.append(t).append("_pat_scan_").append(n++).append(".png,").append(t).append(',').append(p)
                            .append('\n');
                }
            }
        }
        Path f = dir.resolve("cls.csv");
        Files.writeString(f, csv);
        assertEquals(0, run("--classification", f.toString(), "--json"), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals(5.0 / 6, j.at("/sensitivity/Normal").doubleValue(), TOL);
        assertEquals(0.5, j.at("/sensitivity/CP").doubleValue(), TOL);
        assertEquals(0.8, j.at("/sensitivity/COVID").doubleValue(), TOL);
        assertEquals(5.0 / 7, j.at("/precision/Normal").doubleValue(), TOL);
        assertEquals(12.0 / 17, j.at("/accuracy").doubleValue(), TOL);
        // F1 10/13, 6/11, 8/10
        assertEquals(0.45 * 10 / 13 + 0.35 * 6 / 11 + 0.20 * 0.8, j.at("/weighted_f1").doubleValue(), TOL);
        assertEquals((10.0 / 13 + 6.0 / 11 + 0.8) / 3, j.at("/macro_f1").doubleValue(), TOL);
        assertEquals(7, j.at("/predicted/Normal").intValue());
        assertEquals(5, j.at("/support/COVID").intValue());
        assertEquals(3, j.at("/averaged_classes").size());
        assertEquals("CP", j.at("/classes/1").textValue());
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                assertEquals(cm[t][p], j.at("/confusion_matrix/" + t + "/" + p).intValue());
            }
        }
    }

    @Test
    void twoClassCsvTable() throws IOException {
        Path f = dir.resolve("ictcf.csv");
        Files.writeString(f, "a,0,0\nb,0,2\nc,2,2\nd,2,2\n");
        assertEquals(0, run("--classification", f.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.contains("absent: not averaged"), text);
        assertTrue(!text.contains("NaN"), text);
        // Normal: TP 1, FN 1 -> F1 2/3; COVID: TP 2, FP 1 -> 4/5; weighted (.45 * 2/3 + .2 * .8) / .65 = 0.7077
        assertTrue(text.contains("weighted F1 0.7077"), text);
        out.getBuffer().setLength(0);
        // one CP prediction without true CP: CP takes part, flagged in the table
        Files.writeString(f, "a,0,1\nb,0,2\nc,2,2\nd,2,2\n");
        assertEquals(0, run("--classification", f.toString()), err.toString());
        assertTrue(out.toString().contains("no true samples"), out.toString());
    }

    @Test
    void badUsageAndBadInputExitWithTwo() throws IOException {
        assertEquals(2, run("--json"));
        assertEquals(2, run("--gt", "x.json"));
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "a,0,0\nb,0\n");
        assertEquals(2, run("--classification", f.toString()));
        assertTrue(err.toString().contains("error: " + f + ": line 2"), err.toString());
        err.getBuffer().setLength(0);
        writeSegmentation();
        Files.writeString(dir.resolve("pred.json"), "[{\"image_id\":3}]");
        assertEquals(2, run("--gt", dir.resolve("gt.json").toString(), "--pred", dir.resolve("pred.json").toString()));
        assertTrue(err.toString().contains("[0].image_id 3 is not in the ground truth's images"), err.toString());
    }
}
