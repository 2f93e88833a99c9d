package com.oneshotct.worker.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A configuration's peak starts from the memory in use, not from what ran before it in the process. */
class PeakMemoryTest {

    @Test
    void resetForgetsAPeakThatIsGone() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // 256 MiB, written, then freed (an allocation this size is its own mapping, returned at once)
            try (NDArray big = m.ones(new Shape(64, 1024, 1024))) {
                assertTrue(big.getFloat(63, 1023, 1023) == 1f);
            }
        }
        double before = PeakMemory.ofSelf();
        assumeTrue(PeakMemory.resetSelf(), "kernel without clear_refs 5");
        double after = PeakMemory.ofSelf();
        assertTrue(after < before - 128, "peak " + after + " MiB after a reset, " + before + " MiB before");
    }
}
