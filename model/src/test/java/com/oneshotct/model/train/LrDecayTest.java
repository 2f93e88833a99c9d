package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** {@link TrainConfig#lrDecay()}: cosine learning-rate decay, applied per iteration, kept by the checkpoint. */
class LrDecayTest {
    /**
     * lr 1e-3, D 100, floor 1e-5: iteration 0 gives 1e-3; 25 gives 1e-5 + 0.99e-3 (1 + cos(pi/4)) / 2 =
     * 1e-5 + 0.99e-3 * 0.85355339 = 8.5501786e-4; 50 gives 1e-5 + 0.99e-3 / 2 = 5.05e-4; 100 and later 1e-5.
     */
    @Test
    void cosineFromTheRateToAHundredthOfIt() {
        TrainConfig c = TrainData.tiny().optLr(1e-3).optLrDecay(100).build();
        assertEquals(1e-3, c.lrAt(0), 1e-15);
        assertEquals(8.5501786e-4, c.lrAt(25), 1e-11);
        assertEquals(5.05e-4, c.lrAt(50), 1e-15);
        assertEquals(1e-5, c.lrAt(100), 1e-15);
        assertEquals(1e-5, c.lrAt(5000), 1e-15);
        TrainConfig constant = TrainData.tiny().optLr(1e-3).build();
        assertEquals(0, constant.lrDecay());
        assertEquals(1e-3, constant.lrAt(5000), 0);
    }

    @Test
    void boundsAndHash() {
        assertFalse(TrainData.tiny().build().canonical().contains("lrDecay"),
                "checkpoints from before the setting keep their hash");
        assertTrue(TrainData.tiny().optLrDecay(7).build().canonical().endsWith("lrDecay=7\n"));
        for (int bad : new int[] {-1, TrainConfig.MAX_ITERATIONS + 1}) {
            String msg = assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optLrDecay(bad).build())
                    .getMessage();
            assertTrue(msg.contains("lrDecay") && msg.contains(Integer.toString(bad)), msg);
        }
    }

    /**
     * The first iteration runs at the full rate, so it matches a constant-rate run bit for bit; the second runs at
     * the decayed rate, so it does not. The checkpoint keeps the setting.
     */
    @Test
    void trainerUsesTheIterationsRate(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        List<Map<String, byte[]>> constant = twoIterations(TrainData.tiny().optIterations(2).build(), data, null);
        Path file = dir.resolve("d.ckpt");
        List<Map<String, byte[]>> decayed = twoIterations(TrainData.tiny().optIterations(2).optLrDecay(2).build(),
                data, file);
        String key = "backbone.body.conv1.weight";
        assertArrayEquals(constant.get(0).get(key), decayed.get(0).get(key), "iteration 1 runs at the full rate");
        assertFalse(Arrays.equals(constant.get(1).get(key), decayed.get(1).get(key)),
                "iteration 2 runs at half the rate and must move the weights differently");
        assertEquals(2, TrainedModel.config(file).lrDecay(), "the checkpoint keeps the setting");
    }

    private static List<Map<String, byte[]>> twoIterations(TrainConfig config, TrainData data, Path file) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            List<Map<String, byte[]>> after = new ArrayList<>();
            t.run((i, n, l) -> after.add(TrainData.snapshot(t.net())), () -> false, file);
            assertEquals(config.lrAt(1), t.adam().learningRate(), 0, "the rate of the last iteration");
            return after;
        }
    }
}
