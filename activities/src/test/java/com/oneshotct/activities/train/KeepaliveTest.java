package com.oneshotct.activities.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import com.oneshotct.workflows.contract.TrainResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint upload that takes longer than the keepalive interval still heartbeats: the server holds each upload
 * for 5 s, and heartbeats arrive while it does (re-sending the last details), so a heartbeat timeout of a few seconds
 * does not declare the busy worker lost. Before the keepalive the only heartbeats were one per iteration.
 */
class KeepaliveTest {
    private static final long HOLD_MILLIS = 5000;

    @Test
    void heartbeatsContinueDuringASlowUpload(@TempDir Path tmp) {
        try (TrainingBench bench = new TrainingBench(tmp, "keepalive_train")) {
            String wf = bench.register("keepalive-1");
            List<long[]> holds = new CopyOnWriteArrayList<>();
            bench.onUpload = key -> {
                if (!key.startsWith("runs/")) {
                    return;
                }
                long start = System.nanoTime();
                try {
                    Thread.sleep(HOLD_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                holds.add(new long[] {start, System.nanoTime()});
            };
            List<Long> beats = new CopyOnWriteArrayList<>();
            Pulse pulse = new Pulse() {
                @Override
                public void heartbeat(TrainHeartbeat details) {
                    beats.add(System.nanoTime());
                }

                @Override
                public void progress(TrainProgress progress) {
                }
            };
            TrainRequest r = TrainingBench.request(wf, 1, 1);
            TrainResult result = TrainingBench.attempt(bench.host("gpu-a"), 1, r, null, pulse);
            assertEquals(1, result.iteration());
            assertTrue(!holds.isEmpty(), "the checkpoint was uploaded");
            long[] hold = holds.get(holds.size() - 1);
            long during = beats.stream().filter(t -> t > hold[0] && t < hold[1]).count();
            assertTrue(during >= 1, "heartbeats during the " + HOLD_MILLIS + " ms upload: " + during);
        }
    }
}
