package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import com.oneshotct.config.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where in the iteration the s2 heads are copied (the authors' {@code train.py}: after the segmentation loss is
 * known and before {@code optimizer.step()}): the s2 heads hold the segmentation heads' weights from before the
 * step, not after it.
 */
class S2CopyTest {
    private static final String[][] TWINS = {
        {"roi_heads.box_head.", "roi_heads.box_head_s2."},
        {"roi_heads.box_predictor.", "roi_heads.box_predictor_s2."},
        {"roi_heads.mask_head.", "roi_heads.mask_head_s2."},
        {"roi_heads.mask_predictor.conv_mask.", "roi_heads.mask_predictor_s2.conv_mask."},
    };

    @Test
    void copyTakesTheWeightsBeforeTheOptimiserStep(@TempDir Path dir) {
        TrainData data = new TrainData(dir);
        TrainConfig config = TrainData.tiny().optIterations(1).build();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            Map<String, byte[]> before = TrainData.snapshot(t.net());
            t.step(); // the first step counts as a fall in the loss, so it copies
            Map<String, byte[]> after = TrainData.snapshot(t.net());
            int copied = 0;
            for (String[] twin : TWINS) {
                for (String key : before.keySet()) {
                    if (!key.startsWith(twin[0])) {
                        continue;
                    }
                    String s2 = twin[1] + key.substring(twin[0].length());
                    assertArrayEquals(before.get(key), after.get(s2), s2 + " is not " + key + " before the step");
                    assertFalse(Arrays.equals(after.get(key), after.get(s2)), key + " did not move in the step");
                    copied++;
                }
            }
            assertEquals(12, copied, "box_head 4, box_predictor 4, mask_head 2, conv_mask 2 tensors");
        }
    }
}
