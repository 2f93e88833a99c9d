package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.config.BnMode;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.train.TrainedModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train --cls-batch N --bn-mode MODE --lr-decay N --head-lr-scale X --pretrain N --body-lr-scale X}: recorded in the checkpoint; a bad value is refused, naming it. */
class TrainBatchCommandTest {
    @TempDir
    Path dir;

    private int train(StringWriter err, String... extra) {
        String[] base = {"--data", dir.resolve("data").toString(), "--backbone", "resnet18", "--size", "64",
            "--iterations", "1", "--lr", "1e-4", "--out", dir.resolve("b.ckpt").toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        CommandLine cli = new CommandLine(new TrainCommand());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            err.write(ex.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    @Test
    void batchBatchNormModeLrDecayAndHeadScaleReachTheCheckpoint() throws Exception {
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 1))
                .write(dir.resolve("data"), l -> { });
        StringWriter bad = new StringWriter();
        assertEquals(2, train(bad, "--cls-batch", "0"));
        assertTrue(bad.toString().contains("--cls-batch must be between 1 and 64, got 0"), bad.toString());
        StringWriter badMode = new StringWriter();
        assertEquals(2, train(badMode, "--bn-mode", "frozen"));
        assertTrue(badMode.toString().contains("frozen") && badMode.toString().contains("TRAIN_BATCH_EVAL_RUNNING"),
                badMode.toString());
        StringWriter badDecay = new StringWriter();
        assertEquals(2, train(badDecay, "--lr-decay", "-5"));
        assertTrue(badDecay.toString().contains("--lr-decay must") && badDecay.toString().contains("-5"), badDecay.toString());
        StringWriter badScale = new StringWriter();
        assertEquals(2, train(badScale, "--head-lr-scale", "1.5"));
        assertTrue(badScale.toString().contains("--head-lr-scale must") && badScale.toString().contains("1.5"),
                badScale.toString());
        StringWriter badBody = new StringWriter();
        assertEquals(2, train(badBody, "--body-lr-scale", "0"));
        assertTrue(badBody.toString().contains("--body-lr-scale must"), badBody.toString());
        StringWriter badPre = new StringWriter();
        assertEquals(2, train(badPre, "--pretrain", "-3"));
        assertTrue(badPre.toString().contains("--pretrain must") && badPre.toString().contains("-3"), badPre.toString());
        assertFalse(Files.exists(dir.resolve("b.ckpt")), "a refused request writes nothing");

        StringWriter err = new StringWriter();
        assertEquals(0, train(err, "--cls-batch", "2", "--bn-mode", "TRAIN_BATCH_EVAL_RUNNING", "--lr-decay", "40",
                "--head-lr-scale", "0.25", "--pretrain", "1", "--body-lr-scale", "0.5"), err.toString());
        TrainConfig c = TrainedModel.config(dir.resolve("b.ckpt"));
        assertEquals(2, c.clsBatch());
        assertEquals(BnMode.TRAIN_BATCH_EVAL_RUNNING, c.bnMode());
        assertEquals(40, c.lrDecay());
        assertEquals(0.25, c.headLrScale());
        assertEquals(1, c.pretrain());
        assertEquals(0.5, c.bodyLrScale());
        // the one iteration was the pre-training's: its loss in its own column, the paper's columns kept, empty
        java.util.List<String> log = Files.readAllLines(dir.resolve("b.ckpt.losses.csv"));
        assertEquals("iteration,pretrain,rpn_objectness,rpn_box,roi_classifier,roi_box,mask,segmentation,classification",
                log.get(0));
        assertTrue(log.get(1).matches("1,[0-9.e+-]+,,,,,,,"), log.get(1));
    }
}
