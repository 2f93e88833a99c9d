package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.train.TrainedModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code train --seg-warmup N}: the loss log keeps its classification column, empty for the warm-up iterations and
 * filled after them, and the checkpoint records the setting (so a resume with another warm-up is refused).
 */
class TrainWarmupCommandTest {
    @TempDir
    Path dir;

    @Test
    void warmupRowsHaveNoClassificationLoss() throws Exception {
        Path data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        Path out = dir.resolve("w.ckpt");
        String[] args = {"--data", data.toString(), "--backbone", "resnet18", "--size", "64", "--iterations", "2",
            "--lr", "1e-4", "--seg-warmup", "1", "--out", out.toString()};
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainCommand());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute(args), err.toString());
        List<String> lines = Files.readAllLines(dir.resolve("w.ckpt.losses.csv"));
        List<String> head = Arrays.asList(lines.get(0).split(","));
        int cls = head.indexOf("classification");
        assertTrue(cls > 0, "the classification column is there: " + head);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(1).split(",", -1)[cls].isEmpty(), "iteration 1 is a warm-up: " + lines.get(1));
        assertFalse(lines.get(2).split(",", -1)[cls].isEmpty(), "iteration 2 trains classification: " + lines.get(2));
        assertEquals(1, TrainedModel.config(out).segWarmup());

        StringWriter err2 = new StringWriter();
        CommandLine again = new CommandLine(new TrainCommand());
        again.setOut(new PrintWriter(new StringWriter()));
        again.setErr(new PrintWriter(err2));
        again.setExecutionExceptionHandler((ex, c, p) -> {
            err2.write(ex.getMessage());
            return 2;
        });
        String[] other = Arrays.copyOf(args, args.length + 1);
        other[args.length - 3] = "2"; // --seg-warmup 2
        other[args.length] = "--resume";
        assertEquals(2, again.execute(other));
        assertTrue(err2.toString().contains("differs in (checkpoint / this): segWarmup 1 / 2"), err2.toString());
    }
}
