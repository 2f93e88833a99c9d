package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code evaluate}: AP follows the authors' protocol (at most 128 detections per image at score > 0.75) unless
 * overridden, and every AP figure comes with the protocol it was scored under.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluateCommandTest {
    private Path data;
    private Path checkpoint;

    @BeforeAll
    void trainOneIteration(@TempDir Path dir) {
        data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        checkpoint = dir.resolve("m.ckpt");
        String[] out = run("train", "--data", data.toString(), "--backbone", "resnet18", "--size", "64",
                "--iterations", "1", "--out", checkpoint.toString());
        assertEquals("0", out[0], out[2]);
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private JsonNode evaluate(String... extra) throws Exception {
        String[] base = {"evaluate", "--data", data.toString(), "--checkpoint", checkpoint.toString(), "--json"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        String[] r = run(args);
        assertEquals("0", r[0], r[2]);
        return new ObjectMapper().readTree(r[1]);
    }

    @Test
    void apDefaultsToTheAuthorsProtocolAndSaysSo() throws Exception {
        JsonNode seg = evaluate().get("segmentation");
        assertEquals(128, seg.get("protocol").get("max_detections").asInt());
        assertEquals(0.75, seg.get("protocol").get("score_threshold").asDouble());
        String[] text = run("evaluate", "--data", data.toString(), "--checkpoint", checkpoint.toString());
        assertEquals("0", text[0], text[2]);
        assertTrue(text[1].contains("AP detections: at most 128 detections per image, score > 0.75"), text[1]);
    }

    /** An untrained model at threshold 0 has detections to spare: the cap is what limits them. */
    @Test
    void theOverrideCapsAndThresholds() throws Exception {
        JsonNode capped = evaluate("--max-detections", "4", "--score-threshold", "0").get("segmentation");
        JsonNode wide = evaluate("--score-threshold", "0").get("segmentation");
        int images = capped.get("images").asInt();
        assertEquals(4, capped.get("protocol").get("max_detections").asInt());
        assertEquals(0.0, capped.get("protocol").get("score_threshold").asDouble());
        assertEquals(4 * images, capped.get("detections").asInt());
        assertTrue(wide.get("detections").asInt() > 4 * images, wide.toString());
    }

    @Test
    void aBadOverrideIsNamedWithExitCode2() {
        String[] r = run("evaluate", "--data", data.toString(), "--checkpoint", checkpoint.toString(),
                "--max-detections", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--max-detections") && r[2].contains("maxDetections must be positive"), r[2]);
    }

    /** --batch changes how many slices share a forward pass, not the scores (rounding aside). */
    @Test
    void theBatchDoesNotChangeTheScores() throws Exception {
        JsonNode one = evaluate("--score-threshold", "0", "--max-detections", "4", "--batch", "1");
        JsonNode three = evaluate("--score-threshold", "0", "--max-detections", "4", "--batch", "3");
        assertEquals(one.get("classification"), three.get("classification"));
        JsonNode a = one.get("segmentation");
        JsonNode b = three.get("segmentation");
        assertEquals(a.get("detections"), b.get("detections"));
        for (String ap : new String[] {"/coco/AP", "/coco/AP50", "/paper/AP50", "/paper/mAP"}) {
            assertTrue(a.at(ap).isNumber(), ap + " in " + a);
            assertEquals(a.at(ap).asDouble(), b.at(ap).asDouble(), 1e-4, ap);
        }
        String[] r = run("evaluate", "--data", data.toString(), "--checkpoint", checkpoint.toString(), "--batch", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--batch"), r[2]);
    }
}
