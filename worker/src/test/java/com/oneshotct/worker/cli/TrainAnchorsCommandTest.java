package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.train.TrainedModel;
import com.oneshotct.worker.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train --anchor-sizes}: the authors' large-model anchors reach the checkpoint; bad sizes are named. */
class TrainAnchorsCommandTest {
    private static int run(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void largeModelAnchorsAreTrainedAndKept(@TempDir Path dir) {
        Path data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        Path out = dir.resolve("large.ckpt");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "train", "--data", data.toString(), "--backbone", "resnet18", "--size", "64",
                "--iterations", "1", "--anchor-sizes", "2,4,8,16,32,64,128", "--out", out.toString()), err::toString);
        assertEquals(ModelConfig.LARGE_ANCHOR_SIZES, TrainedModel.config(out).anchorSizes());

        StringWriter bad = new StringWriter();
        Path other = dir.resolve("bad.ckpt");
        assertEquals(2, run(bad, "train", "--data", data.toString(), "--backbone", "resnet18", "--size", "64",
                "--iterations", "1", "--anchor-sizes", "8,8", "--out", other.toString()));
        assertTrue(bad.toString().contains("--anchor-sizes must be") && !bad.toString().contains("\tat "), bad.toString());
        assertFalse(Files.exists(other), "nothing written");
    }
}
