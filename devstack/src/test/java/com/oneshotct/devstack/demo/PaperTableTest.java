package com.oneshotct.devstack.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison table: the run beside model-spec section 10's three reference columns, and the AP protocol. */
class PaperTableTest {
    private static List<String> print(Map<String, Double> run) {
        return print(null, run);
    }

    private static List<String> print(Map<String, Double> untrained, Map<String, Double> run) {
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            PaperTable.print(out, untrained, run, "resnet18 64 px");
        }
        return Arrays.asList(s.toString().split("\n"));
    }

    private static List<String> cells(List<String> lines, String label) {
        String line = lines.stream().filter(l -> l.startsWith(label)).findFirst().orElseThrow(() ->
                new AssertionError("no row '" + label + "' in " + lines));
        return Arrays.stream(line.substring(label.length()).trim().split("\\s+")).filter(c -> !c.equals("|"))
                .toList();
    }

    @Test
    void runBesideTheHeadlineTheResNeXt50ReadmeAndIctcf() {
        List<String> lines = print(Map.of("ap50", 0.1234, "sensitivity_covid", 1.0, "ap_max_detections", 128.0,
                "ap_score_threshold", 0.75, "accuracy", 0.5));
        assertEquals("AP of the run: at most 128 detections per image, score > 0.75 (the authors' protocol is 128"
                + " at 0.75)", lines.get(0));
        assertTrue(lines.get(2).contains("CNCB-NCOV, paper") && lines.get(2).contains("iCTCF-CT, paper"));
        assertTrue(lines.get(3).contains("ResNeXt101 (inf.)") && lines.get(3).contains("ResNeXt50 (inf.)"));
        assertEquals(List.of("0.123", "0.605", "0.587", "-"), cells(lines, "AP@0.5 (paper's per-image mask AP)"));
        assertEquals(List.of("n/a", "0.470", "0.442", "-"), cells(lines, "mAP@[.5:.95]"));
        assertEquals(List.of("1.000", "0.957", "0.954", "0.977"), cells(lines, "COVID-19 sensitivity"));
        assertEquals(List.of("n/a", "0.981", "0.982", "-"), cells(lines, "CP sensitivity"));
        assertEquals(List.of("n/a", "0.993", "0.993", "0.987"), cells(lines, "Normal sensitivity"));
        assertEquals(List.of("n/a", "0.982", "0.981", "0.984"), cells(lines, "weighted F1 (0.45/0.35/0.20)"));
        assertEquals(List.of("0.500", "-", "-", "-"), cells(lines, "accuracy (not in the paper)"));
    }

    /** The untrained model's column comes first, on the same rows; the paper's stay context. */
    @Test
    void untrainedBesideTrained() {
        List<String> lines = print(Map.of("ap50", 0.0, "accuracy", 0.333), Map.of("ap50", 0.41, "accuracy", 0.5));
        assertTrue(lines.get(0).contains("untrained") && lines.get(0).contains("paper, for context"), lines.get(0));
        assertTrue(lines.get(1).contains("iteration 0"), lines.get(1));
        assertEquals(List.of("0.000", "0.410", "0.605", "0.587", "-"), cells(lines, "AP@0.5 (paper's per-image mask AP)"));
        assertEquals(List.of("0.333", "0.500", "-", "-", "-"), cells(lines, "accuracy (not in the paper)"));
    }

    @Test
    void aRunWithoutItsProtocolPrintsNoProtocolLine() {
        assertTrue(print(Map.of("ap50", 0.5)).get(0).startsWith("metric (test split)"));
    }
}
