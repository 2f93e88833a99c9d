package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ModelCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new ModelCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /** model-spec section 7, the rows that exist so far; total 22,979,904 + 1,114,624 + 628,630 + ... */
    @Test
    void jsonCountsForResnext50() throws Exception {
        assertEquals(0, run("summary", "--json"));
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals("segmentation half and s2 heads", j.get("scope").asText());
        assertEquals("resnext50_32x4d", j.get("backbone").asText());
        long[] want = {22_979_904L, 1_114_624L, 628_630L, 1_624_852L, 853_508L, 1_624_852L, 1_442_560L};
        String[] ids = {"body", "fpn", "rpn_head", "box", "mask", "box_s2", "mask_s2"};
        assertEquals(want.length, j.get("parts").size());
        for (int i = 0; i < want.length; i++) {
            assertEquals(ids[i], j.get("parts").get(i).get("id").asText());
            assertEquals(want[i], j.get("parts").get(i).get("parameters").asLong());
        }
        // 27,201,518 for the segmentation half + 1,624,852 + 1,442,560
        assertEquals(30_268_930L, j.get("total").asLong());
    }

    @Test
    void tableForResnet18() {
        assertEquals(0, run("summary", "--backbone", "resnet18"));
        String s = out.toString();
        assertTrue(s.contains("segmentation half and s2 heads"), s);
        assertTrue(s.contains("ResNet18 body") && s.contains("11,176,512"), s);
        // 11,176,512 + 721,408 + 628,630 + 1,624,852 + 853,508 + 1,624,852 + 1,442,560
        assertTrue(s.contains("18,072,322"), s);
    }

    /** The exception reaches Main's handler, which makes it "error: ..." and exit code 2 (bad input). */
    @Test
    void unknownBackboneIsAnError() {
        assertEquals(1, run("summary", "--backbone", "vgg16"));
        assertTrue(err.toString().contains("IllegalArgumentException: unknown backbone 'vgg16'; known: "
                + "resnext50_32x4d, resnext101_32x8d, resnet18, resnet34"), err.toString());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("missing subcommand"), err.toString());
    }
}
