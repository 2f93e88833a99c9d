package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.config.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainConfig#anchorSizes()}: a run may choose the authors' large-model anchors; the network, the checkpoint
 * and the config hash follow, and the reference's sizes leave old hashes as they were.
 */
class AnchorSizesTest {
    @Test
    void theReferenceSizesAreTheDefaultAndStayOutOfTheHash() {
        TrainConfig d = TrainData.tiny().build();
        assertEquals(ModelConfig.ANCHOR_SIZES, d.anchorSizes());
        assertFalse(d.canonical().contains("anchorSizes"), d.canonical());
        TrainConfig large = TrainData.tiny().optAnchorSizes(ModelConfig.LARGE_ANCHOR_SIZES).build();
        assertTrue(large.canonical().endsWith("anchorSizes=[2, 4, 8, 16, 32, 64, 128]\n"), large.canonical());
        assertEquals(42, large.modelConfig().anchorsPerLocation());
    }

    @Test
    void badSizesAreNamed() {
        for (List<Integer> bad : List.of(List.<Integer>of(), List.of(2, 0), List.of(8, 8), List.of(4096))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrainData.tiny().optAnchorSizes(bad).build(), bad::toString);
            assertTrue(e.getMessage().contains("anchorSizes"), e.getMessage());
        }
    }

    @Test
    void aLargeAnchorRunTrainsAndItsCheckpointKeepsTheSizes(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        TrainConfig config = TrainData.tiny().optIterations(1).optAnchorSizes(ModelConfig.LARGE_ANCHOR_SIZES).build();
        Path file = dir.resolve("large.ckpt");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            t.run((i, n, l) -> assertTrue(Float.isFinite(l.get(PaperTrainer.SEGMENTATION)), l.toString()),
                    () -> false, file);
        }
        assertEquals(ModelConfig.LARGE_ANCHOR_SIZES, TrainedModel.config(file).anchorSizes());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainedModel model = TrainedModel.open(file, m);
            assertEquals(42, model.net().config().anchorsPerLocation());
        }
    }
}
