package com.oneshotct.activities.train;

import static com.oneshotct.activities.train.TrainingBench.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.train.TrainingBench.Host;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.contract.TrainRequest;
import com.oneshotct.workflows.contract.TrainResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint object damaged in storage after it was recorded: the next training attempt finds its bytes do not
 * match the recorded SHA-256, resumes from the checkpoint before it (not from zero), and its attempt record says
 * which object it skipped, why, and where it resumed instead.
 */
class CorruptCheckpointTest {

    @Test
    void theNextAttemptSkipsTheCorruptCheckpointResumesFromThePreviousAndSaysSo(@TempDir Path tmp) {
        try (TrainingBench bench = new TrainingBench(tmp, "faults_train")) {
            String wf = bench.register("corrupt-1");
            // 2 iterations, a checkpoint after each: attempt 1 leaves iter-1 and iter-2
            TrainRequest r = TrainingBench.request(wf, 2, 1);
            TrainResult first = TrainingBench.attempt(bench.host("gpu-a"), 1, r, null, TrainingBench.QUIET);
            assertEquals(2, first.iteration());
            assertEquals(0, first.resumedFrom());
            Checkpoint newest = bench.registry.training().latest(wf).orElseThrow();
            assertEquals(key(wf, 1, 2), newest.objectKey());

            // bit rot in the store: the object now holds other bytes than the ones recorded
            bench.store.put(newest.objectKey(), "not the checkpoint that was written".getBytes(StandardCharsets.UTF_8));

            Host other = bench.host("gpu-b");
            TrainResult second = TrainingBench.attempt(other, 2, r, null, TrainingBench.QUIET);
            assertEquals(1, second.resumedFrom(), "resumed from iteration 1, not from zero and not from the corrupt 2");
            assertEquals(2, second.iteration());
            assertEquals(key(wf, 2, 2), second.checkpointKey());

            StageAttempt record = bench.trainAttempt(wf, 2);
            assertEquals(Outcome.SUCCEEDED, record.outcome());
            String note = record.note();
            List<String> lines = List.of(note.split("\n"));
            assertEquals(2, lines.size(), note);
            assertTrue(lines.get(0).startsWith("skipped checkpoint of iteration 2 (id " + newest.id() + "): object "
                    + newest.objectKey() + " has SHA-256 "), note);
            assertTrue(lines.get(0).endsWith(", the registry recorded " + newest.sha256()), note);
            assertEquals("resumed from " + key(wf, 1, 1) + " at iteration 1, the newest usable of the run's"
                    + " checkpoints", lines.get(1));
            assertEquals("started at iteration 0: the run has no checkpoint yet", bench.trainAttempt(wf, 1).note());

            // attempt 2 trained iteration 2 only; its checkpoint takes the tie from the corrupt one as the latest
            List<String> attempt2 = bench.registry.training().checkpoints(wf).stream().filter(c -> c.attempt() == 2)
                    .map(Checkpoint::objectKey).toList();
            assertEquals(List.of(key(wf, 2, 2)), attempt2);
            Checkpoint latest = bench.registry.training().latest(wf).orElseThrow();
            assertEquals(key(wf, 2, 2), latest.objectKey());
            assertEquals(latest.sha256(), bench.store.stat(latest.objectKey()).orElseThrow().sha256());
            assertNotEquals(newest.sha256(), bench.store.stat(newest.objectKey()).orElseThrow().sha256(),
                    "the damaged object is left as evidence, not repaired behind the registry's back");
        }
    }
}
