package com.oneshotct.activities.train;

import static com.oneshotct.activities.train.TrainingBench.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.db.AttemptRepository;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import com.oneshotct.workflows.contract.TrainResult;
import io.temporal.client.ActivityNotExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two attempts of one run alive at once. Attempt 1 stalls after its first iteration (a long pause: its heartbeats
 * stop reaching Temporal, which times it out and starts attempt 2 on another host). Attempt 2 trains the run to the
 * end and checkpoints iteration 2. Then attempt 1 wakes up: its next heartbeat hears that Temporal no longer knows
 * it, and, as on any end of training, it writes a final checkpoint, of iteration 1, behind the latest. That
 * checkpoint must not become the latest, and no object of attempt 2 may be written again.
 */
class ZombieAttemptTest {

    @Test
    void aZombieCannotMoveTheLatestCheckpointBackNorTouchTheNewerAttemptsObjects(@TempDir Path tmp)
            throws Exception {
        try (TrainingBench bench = new TrainingBench(tmp, "faults_train")) {
            String wf = bench.register("zombie-1");
            // 2 iterations, a checkpoint every 2: attempt 1 stalls before it wrote any
            TrainRequest r = TrainingBench.request(wf, 2, 2);

            AtomicBoolean done = new AtomicBoolean();
            List<Checkpoint> pointer = new ArrayList<>();
            Thread watcher = new Thread(() -> {
                while (!done.get()) {
                    Optional<Checkpoint> now = bench.registry.training().latest(wf);
                    if (now.isPresent() && (pointer.isEmpty() || !pointer.get(pointer.size() - 1).equals(now.get()))) {
                        pointer.add(now.get());
                    }
                    sleep(5);
                }
            }, "pointer-watcher");
            watcher.start();

            Stall stall = new Stall();
            CompletableFuture<TrainResult> zombie = CompletableFuture.supplyAsync(
                    () -> TrainingBench.attempt(bench.host("gpu-old"), 1, r, null, stall));
            if (!stall.paused.await(3, TimeUnit.MINUTES)) {
                throw new AssertionError("attempt 1 never reached its first iteration", zombie.isDone()
                        ? zombie.handle((v, e) -> e).get() : null);
            }
            TrainResult newer = TrainingBench.attempt(bench.host("gpu-new"), 2, r, stall.last.get(),
                    TrainingBench.QUIET);
            assertEquals(2, newer.iteration());
            Map<String, String> newerObjects = objects(bench, wf, 2);
            assertEquals(Set.of(key(wf, 2, 2)), newerObjects.keySet());

            stall.release.countDown();
            ExecutionException ended = assertThrows(ExecutionException.class, () -> zombie.get(3, TimeUnit.MINUTES));
            assertInstanceOf(ActivityNotExistsException.class, ended.getCause());
            done.set(true);
            watcher.join();

            // the zombie's final checkpoint is recorded (it is real work), behind the latest
            List<Checkpoint> all = bench.registry.training().checkpoints(wf);
            assertEquals(List.of(key(wf, 1, 1), key(wf, 2, 2)), all.stream().map(Checkpoint::objectKey).toList());
            // the pointer named attempt 2's checkpoint from the first and never anything else
            assertEquals(List.of(key(wf, 2, 2)), pointer.stream().map(Checkpoint::objectKey).toList());
            assertEquals(key(wf, 2, 2), bench.registry.training().latest(wf).orElseThrow().objectKey());

            // every checkpoint under its own attempt's key, each object uploaded once, its bytes as recorded
            for (Checkpoint c : all) {
                assertEquals(c.sha256(), bench.store.stat(c.objectKey()).orElseThrow().sha256(), c.objectKey());
            }
            Map<String, Integer> uploads = new TreeMap<>(bench.uploads);
            uploads.keySet().removeIf(k -> !k.startsWith("runs/" + wf + "/"));
            assertEquals(Map.of(key(wf, 1, 1), 1, key(wf, 2, 2), 1), uploads);
            assertEquals(newerObjects, objects(bench, wf, 2), "attempt 2's objects are as it left them");

            StageAttempt zombieRecord = bench.trainAttempt(wf, 1);
            // closed as lost when attempt 2 began (Temporal had given up on it); waking later changes nothing
            assertEquals(Outcome.LOST, zombieRecord.outcome());
            assertEquals(AttemptRepository.SUPERSEDED, zombieRecord.errorClass());
            assertTrue(zombieRecord.errorMessage().startsWith("attempt 2 of this stage started while this one was"
                    + " open"), zombieRecord.errorMessage());
            assertEquals(Outcome.SUCCEEDED, bench.trainAttempt(wf, 2).outcome());
            assertEquals("started at iteration 0: the run has no checkpoint yet", bench.trainAttempt(wf, 2).note());
        }
    }

    /** SHA-256 the store holds for each object of one attempt's checkpoints, by key. */
    private static Map<String, String> objects(TrainingBench bench, String wf, int attempt) {
        return bench.store.list("runs/" + wf + "/attempt-" + attempt + "/").stream()
                .collect(Collectors.toMap(o -> o.key(), o -> bench.store.stat(o.key()).orElseThrow().sha256()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Attempt 1's link to Temporal: after its first iteration the heartbeat does not return until released (what a
     * stalled process or a partition looks like from inside); then it says what Temporal says to an attempt it has
     * timed out and retried: this activity execution does not exist any more.
     */
    private static final class Stall implements Pulse {
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        /** The last details that reached Temporal: what it hands the next attempt. */
        final AtomicReference<TrainHeartbeat> last = new AtomicReference<>();

        @Override
        public void heartbeat(TrainHeartbeat details) {
            if (paused.getCount() == 0) {
                throw new ActivityNotExistsException("attempt 1 timed out (heartbeat) and was retried", null);
            }
            if (details.iteration() == 1) {
                paused.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new ActivityNotExistsException("attempt 1 timed out (heartbeat) and was retried", null);
            }
            last.set(details);
        }

        @Override
        public void progress(TrainProgress progress) {
        }
    }
}
