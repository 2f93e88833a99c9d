package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.oneshotct.config.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch starts every new thread with grad mode on; a training step on such a thread (a Temporal activity
 * executor) failed with "a leaf Variable that requires grad is being used in an in-place operation" in Adam.
 */
class FreshThreadTest {
    @Test
    void aTrainerStepsOnAThreadThatNeverSawTheEngineLoad(@TempDir Path dir) throws Exception {
        TrainData data = new TrainData(dir);
        TrainConfig config = TrainData.tiny().optIterations(1).build();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            boolean[] gradModeAfter = {true};
            Thread worker = new Thread(() -> {
                try {
                    t.step();
                    gradModeAfter[0] = JniUtils.isGradMode();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            worker.start();
            worker.join();
            assertNull(failure.get(), () -> "step on a fresh thread: " + failure.get());
            assertEquals(1, t.iteration());
            assertFalse(gradModeAfter[0], "grad mode is off again after the step");
        }
    }
}
