package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.config.ModelConfig;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code train}'s options take their defaults from TrainConfig, and map onto its members by name. */
class TrainDefaultsTest {
    private static TrainCommand parse(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void noOptionMeansTheConfigDefaults() {
        assertEquals(TrainCommand.DEFAULTS, parse("--data", "d", "--out", "o").config());
        assertEquals(TrainConfig.builder().optCheckpointInterval(100).build(), TrainCommand.DEFAULTS,
                "the paper's, with a checkpoint every 100 iterations");
    }

    @Test
    void optionsSetTheirMembers() {
        TrainConfig c = parse("--data", "d", "--out", "o", "--size", "256", "--weight-decay", "0", "--seg-warmup", "3",
                "--anchor-sizes", "2,4,8,16,32,64,128", "--head-lr-scale", "0.5").config();
        assertEquals(256, c.imageSize());
        assertEquals(0, c.weightDecay());
        assertEquals(3, c.segWarmup());
        assertEquals(ModelConfig.LARGE_ANCHOR_SIZES, c.anchorSizes());
        assertEquals(0.5, c.headLrScale());
    }

    /** TrainConfig's one validation, in the command's words: the option is named, not the member. */
    @Test
    void aBadValueIsNamedByItsOption() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> parse("--data", "d", "--out", "o", "--size", "100", "--head-lr-scale", "2").config());
        assertTrue(e.getMessage().startsWith("--size must be a multiple of 32"), e.getMessage());
        assertTrue(e.getMessage().contains("; --head-lr-scale must be above 0.0 and at most 1.0, got 2.0"),
                e.getMessage());
    }

    @Test
    void everyOptionNamedAfterAMemberIsOne() {
        for (String f : List.of("backbone", "iterations", "lr", "seed", "clsBatch", "bnMode", "lrDecay", "pretrain",
                "bodyLrScale", "checkpointInterval")) {
            assertTrue(TrainConfigJson.FIELDS.contains(f), f);
        }
        assertEquals("imageSize", TrainCommand.Defaults.field("--size"));
        assertEquals("segWarmup", TrainCommand.Defaults.field("--seg-warmup"));
        assertNull(TrainCommand.Defaults.field("--device"));
        StringWriter help = new StringWriter();
        new CommandLine(new TrainCommand()).usage(new PrintWriter(help));
        assertTrue(help.toString().contains("(default 2,4,8,16,32,"), help.toString());
    }
}
