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

    /** model-spec section 7, every row and the total 35,553,416. */
    @Test
    void jsonCountsForResnext50() throws Exception {
        assertEquals(0, run("summary", "--json"));
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals("whole one-shot model", j.get("scope").asText());
        assertEquals("resnext50_32x4d", j.get("backbone").asText());
        long[] want = {22_979_904L, 1_114_624L, 628_630L, 1_624_852L, 853_508L, 1_624_852L, 1_442_560L, 5_184_896L,
            99_590L};
        String[] ids = {"body", "fpn", "rpn_head", "box", "mask", "box_s2", "mask_s2", "attention", "classifiers"};
        assertEquals(want.length, j.get("parts").size());
        for (int i = 0; i < want.length; i++) {
            assertEquals(ids[i], j.get("parts").get(i).get("id").asText());
            assertEquals(want[i], j.get("parts").get(i).get("parameters").asLong());
        }
        assertEquals(35_553_416L, j.get("total").asLong());
    }

    @Test
    void tableForResnet18() {
        assertEquals(0, run("summary", "--backbone", "resnet18"));
        String s = out.toString();
        assertTrue(s.contains("whole one-shot model"), s);
        assertTrue(s.contains("ResNet18 body") && s.contains("11,176,512"), s);
        // 11,176,512 + 721,408 + 628,630 + 1,624,852 + 853,508 + 1,624,852 + 1,442,560 + 5,184,896 + 99,590
        assertTrue(s.contains("23,356,808"), s);
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
