package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.oneshotct.config.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainConfig#segWarmup()}: the first iterations run the segmentation step only, then the paper's iteration
 * resumes; the setting is part of the checkpoint's config (and of its hash only when set).
 */
class SegWarmupTest {
    private static boolean classificationOnly(String key) {
        return key.startsWith("attn_layer.") || key.startsWith("pos_classifier_attn.")
                || key.startsWith("neg_classifier_attn.");
    }

    @Test
    void warmupIterationsLeaveTheClassificationBranchAlone(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        TrainConfig config = TrainData.tiny().optIterations(3).optSegWarmup(2).build();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            Map<String, byte[]> before = TrainData.snapshot(t.net());
            List<Map<String, Float>> losses = new ArrayList<>();
            List<Map<String, byte[]>> after = new ArrayList<>();
            t.run((i, n, l) -> {
                losses.add(l);
                after.add(TrainData.snapshot(t.net()));
            }, () -> false, dir.resolve("w.ckpt"));
            assertEquals(3, losses.size());
            for (int i = 0; i < 2; i++) {
                assertFalse(losses.get(i).containsKey(PaperTrainer.CLASSIFICATION), "warm-up iteration " + (i + 1)
                        + " ran the classification step: " + losses.get(i));
                assertTrue(losses.get(i).containsKey(PaperTrainer.SEGMENTATION));
            }
            assertTrue(losses.get(2).containsKey(PaperTrainer.CLASSIFICATION), "iteration 3: " + losses.get(2));
            int branch = 0;
            for (String k : before.keySet()) {
                if (classificationOnly(k)) {
                    branch++;
                    assertArrayEquals(before.get(k), after.get(1).get(k), k + " moved during the warm-up");
                }
            }
            assertTrue(branch > 0);
            assertFalse(Arrays.equals(before.get("backbone.body.conv1.weight"),
                    after.get(1).get("backbone.body.conv1.weight")), "the segmentation step trained the backbone");
            assertFalse(Arrays.equals(before.get("attn_layer.lstm_pos.weight_ih_l0"),
                    after.get(2).get("attn_layer.lstm_pos.weight_ih_l0")), "iteration 3 trained the branch");
            assertEquals(2, TrainedModel.config(dir.resolve("w.ckpt")).segWarmup(), "the checkpoint keeps it");
        }
    }

    @Test
    void warmupJoinsTheConfigHashOnlyWhenSet() {
        TrainConfig none = TrainData.tiny().build();
        assertEquals(0, none.segWarmup());
        assertFalse(none.canonical().contains("segWarmup"), "checkpoints from before the setting keep their hash");
        TrainConfig some = TrainData.tiny().optSegWarmup(5).build();
        assertTrue(some.canonical().endsWith("segWarmup=5\n"), some.canonical());
        assertNotEquals(none.canonical(), some.canonical());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optSegWarmup(-1).build())
                .getMessage().contains("segWarmup"));
    }
}
