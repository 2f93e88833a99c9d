package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code train} decodes every classification training slice before the first iteration, as the pipeline's fetch
 * does: a truncated one is named before any training, not when it is first sampled; a big set shows its progress.
 */
class TrainSliceCheckTest {
    @TempDir
    Path dir;

    @Test
    void aTruncatedSliceIsNamedBeforeTraining() throws Exception {
        Path data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 6, 3)).write(data, l -> { });
        java.io.File[] slices = data.resolve("classification/train").toFile()
                .listFiles(f -> f.getName().endsWith(".png"));
        Arrays.sort(slices);
        Path cut = slices[4].toPath();
        byte[] b = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(b, b.length / 2));
        Path out = dir.resolve("t.ckpt");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("train", "--data", data.toString(), "--out", out.toString(), "--size", "64",
                "--backbone", "resnet18", "--iterations", "1000");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().startsWith("error: " + cut + ": "), err.toString());
        assertTrue(err.toString().contains("truncated"), err.toString());
        assertFalse(err.toString().contains("training resnet18"), "no training started: " + err);
        assertFalse(Files.exists(out));
    }

    @Test
    void aBigSetShowsItsProgress() throws Exception {
        Path data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(1, 1, 1, 1)).write(data, l -> { });
        Path one = data.resolve("classification/train").toFile().listFiles(f -> f.getName().endsWith(".png"))[0]
                .toPath();
        int n = TrainCommand.CHECK_PROGRESS_FROM;
        List<ClassificationItem> items = IntStream.range(0, n)
                .mapToObj(i -> new ClassificationItem("train", "0_p_s_" + i, one, ImageClass.NORMAL)).toList();
        StringWriter err = new StringWriter();
        TrainCommand.checkSlices(items, new PrintWriter(err, true));
        List<String> lines = err.toString().lines().toList();
        assertTrue(lines.size() >= 2 && lines.size() <= 12, err.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("checking slices [########################] " + n + "/" + n
                + " 100% | classification/train"), err.toString());

        StringWriter few = new StringWriter();
        TrainCommand.checkSlices(items.subList(0, 10), new PrintWriter(few, true));
        assertEquals("", few.toString(), "a small set is checked without a word");
    }
}
