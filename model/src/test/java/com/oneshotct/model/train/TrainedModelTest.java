package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainedModelTest {
    @Test
    void aCheckpointRebuildsItsNetworkFromItsOwnHeader(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        TrainConfig config = TrainData.tiny().optIterations(2).build();
        Path file = dir.resolve("a.ckpt");
        Map<String, byte[]> trained;
        String sha;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            t.run((i, n, l) -> { }, () -> false, null);
            sha = Checkpoint.save(t, file);
            trained = TrainData.snapshot(t.net());
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainedModel model = TrainedModel.open(file, m);
            assertEquals(config, model.config());
            assertEquals(config, TrainedModel.config(file));
            assertEquals(2, model.iteration());
            assertEquals(sha, model.sha256());
            Map<String, byte[]> loaded = TrainData.snapshot(model.net());
            assertEquals(trained.keySet(), loaded.keySet());
            trained.forEach((k, v) -> assertArrayEquals(v, loaded.get(k), k));
        }
    }

    @Test
    void missingAndForeignFilesAreNamed(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Path missing = dir.resolve("none.ckpt");
            DataException e = assertThrows(DataException.class, () -> TrainedModel.open(missing, m));
            assertTrue(e.getMessage().contains("none.ckpt"), e.getMessage());
            Path text = Files.writeString(dir.resolve("notes.ckpt"), "not a zip");
            e = assertThrows(DataException.class, () -> TrainedModel.open(text, m));
            assertTrue(e.getMessage().contains("notes.ckpt") && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }
}
