package com.oneshotct.activities.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.oneshotct.workflows.contract.TrainProgress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training activity's progress signals carry the epoch: iterations over the larger training split. */
class ProgressSignalTest {
    @Test
    void epochIsIterationsOverTheLargerTrainingSplit(@TempDir Path tmp) {
        try (TrainingBench bench = new TrainingBench(tmp, "progress_signal")) {
            String wf = bench.register("progress-1");
            List<TrainProgress> signals = new CopyOnWriteArrayList<>();
            Pulse pulse = new Pulse() {
                @Override
                public void heartbeat(TrainHeartbeat details) {
                }

                @Override
                public void progress(TrainProgress progress) {
                    signals.add(progress);
                }
            };
            TrainingBench.attempt(bench.host("gpu-a"), 1, TrainingBench.request(wf, 2, 2), null, pulse);
            assertFalse(signals.isEmpty(), "the activity signalled its progress");
            TrainProgress last = signals.get(signals.size() - 1);
            assertEquals(2, last.iteration());
            // the bench's dataset: 2 segmentation and 3 classification training slices -> 3 iterations per epoch
            assertEquals(2 / 3.0, last.epoch(), 1e-12);
            signals.forEach(s -> assertEquals(s.iteration() / 3.0, s.epoch(), 1e-12, "signal " + s));
        }
    }
}
