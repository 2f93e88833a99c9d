package com.oneshotct.devstack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The README's main job, small: the whole pipeline on the embedded stack ends with the table beside the paper. */
class DemoCommandTest {
    @Test
    void theDemoRunsThePipelineAndPrintsTheTable(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new DemoCommand());
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("--dir", dir.toString(), "--size", "64", "--iterations", "2");
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("succeeded after 2 iterations"), text);
        assertTrue(text.contains("CNCB-NCOV, paper") && text.contains("weighted F1"), text);
        // what the run learned: the untrained model (the run's seed, iteration 0) beside the trained one
        assertTrue(text.contains("untrained") && text.contains("iteration 0") && text.contains("trained, 2 it."),
                text);
        assertTrue(text.contains("\"segWarmup\":2"), "the warm-up is cut to the run: " + text);
        assertTrue(text.contains("AP of the run: at most 128 detections per image, score > 0.75"), text);
        assertTrue(text.contains("[train] running") || text.contains("[evaluate]"), "live progress lines: " + text);
        assertTrue(Files.exists(dir.resolve("data-64").resolve("manifest.json")), "the dataset is kept");
        java.util.regex.Matcher report = java.util.regex.Pattern.compile("report: (\\S+index\\.html)").matcher(text);
        assertTrue(report.find(), "the report's path is printed: " + text);
        String page = Files.readString(Path.of(report.group(1)));
        assertTrue(page.contains("loss.png") && page.contains("Confusion"), "the report has its sections");
    }
}
