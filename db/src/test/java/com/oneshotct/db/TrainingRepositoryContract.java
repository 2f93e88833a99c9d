package com.oneshotct.db;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.oneshotct.db.Fixtures.checkpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric curves, checkpoints and the forward-only latest pointer. */
abstract class TrainingRepositoryContract extends DbContract {

    @BeforeAll
    void runs() {
        for (String id : List.of("wf-metrics", "wf-ckpt", "wf-latest", "wf-race", "wf-atomic", "wf-tie")) {
            registry.runs().register(Fixtures.run(id, "resnext50", "cncb-demo"));
        }
    }

    @Test
    void retriedMetricBatchLeavesOneRowPerPoint() throws SQLException {
        TrainingRepository t = registry.training();
        List<MetricPoint> batch = List.of(new MetricPoint(10, 0, "loss_rpn", 0.9),
                new MetricPoint(10, 0, "loss_mask", 0.7), new MetricPoint(20, 1, "loss_rpn", 0.5));
        assertEquals(3, t.recordMetrics("wf-metrics", batch));
        assertEquals(0, t.recordMetrics("wf-metrics", batch), "a retry inserts nothing");
        List<MetricPoint> overlap = List.of(new MetricPoint(20, 1, "loss_rpn", 0.5),
                new MetricPoint(20, 1, "loss_mask", 0.4));
        assertEquals(1, t.recordMetrics("wf-metrics", overlap));
        assertEquals(4, count("training_metrics"));
        assertEquals(List.of(new MetricPoint(10, 0, "loss_mask", 0.7), new MetricPoint(10, 0, "loss_rpn", 0.9),
                new MetricPoint(20, 1, "loss_mask", 0.4), new MetricPoint(20, 1, "loss_rpn", 0.5)),
                t.curve("wf-metrics"));
    }

    @Test
    void aBadPointRollsBackTheWholeBatch() throws SQLException {
        long before = count("training_metrics");
        ConstraintViolationException nan = assertThrows(ConstraintViolationException.class, () ->
                registry.training().recordMetrics("wf-metrics", List.of(new MetricPoint(30, 2, "loss_cls", 0.3),
                        new MetricPoint(30, 2, "loss_box", Double.NaN))));
        assertEquals("training_metrics_value_finite", nan.constraint());
        assertEquals(before, count("training_metrics"), "the good point of the batch did not land either");
        ConstraintViolationException negative = assertThrows(ConstraintViolationException.class, () ->
                registry.training().recordMetrics("wf-metrics", List.of(new MetricPoint(-1, 0, "loss", 1))));
        assertEquals("training_metrics_iteration_nonnegative", negative.constraint());
    }

    @Test
    void checkpointsAreIdempotentAndContradictionsAreConflicts() throws SQLException {
        TrainingRepository t = registry.training();
        NewCheckpoint n = checkpoint("wf-ckpt", 100, 1);
        Checkpoint k = t.recordCheckpoint(n);
        assertEquals(k, t.recordCheckpoint(n));
        assertEquals(1, count("checkpoints WHERE object_key = '" + n.objectKey() + "'"));
        assertEquals(k, t.checkpoint(k.id()));
        assertEquals(k, t.checkpointByKey(n.objectKey()));

        NewCheckpoint otherHash = new NewCheckpoint("wf-ckpt", 100, 1, n.objectKey(), Fixtures.sha256("x"), 5);
        ConflictException e = assertThrows(ConflictException.class, () -> t.recordCheckpoint(otherHash));
        assertTrue(e.getMessage().startsWith("checkpoint '" + n.objectKey() + "' is already recorded as run"
                + " 'wf-ckpt' iteration 100 attempt 1, sha256 " + n.sha256()), e.getMessage());

        ConstraintViolationException hex = assertThrows(ConstraintViolationException.class, () ->
                t.recordCheckpoint(new NewCheckpoint("wf-ckpt", 200, 1, "k-200", "NOT-HEX", 10)));
        assertEquals("checkpoints_sha256_is_hex", hex.constraint());
        ConstraintViolationException size = assertThrows(ConstraintViolationException.class, () ->
                t.recordCheckpoint(new NewCheckpoint("wf-ckpt", 200, 1, "k-200", Fixtures.sha256("k"), 0)));
        assertEquals("checkpoints_bytes_positive", size.constraint());
        ConstraintViolationException twice = assertThrows(ConstraintViolationException.class, () ->
                t.recordCheckpoint(new NewCheckpoint("wf-ckpt", 100, 1, "another-key", Fixtures.sha256("k"), 9)));
        assertEquals("checkpoints_run_iteration_attempt_key", twice.constraint());
    }

    @Test
    void latestPointerOnlyMovesForward() {
        TrainingRepository t = registry.training();
        assertTrue(t.latest("wf-latest").isEmpty(), "no pointer before the first checkpoint is offered");
        Checkpoint k300 = t.recordCheckpoint(checkpoint("wf-latest", 300, 2));
        Checkpoint k250 = t.recordCheckpoint(checkpoint("wf-latest", 250, 1)); // a zombie attempt, finishing late
        LatestMove moved = t.advanceLatest(k300.id());
        assertTrue(moved.moved());
        assertEquals(k300, moved.latest());
        LatestMove stale = t.advanceLatest(k250.id());
        assertFalse(stale.moved());
        assertEquals(k250, stale.offered());
        assertEquals(k300, stale.latest());
        assertFalse(t.advanceLatest(k300.id()).moved(), "offering the same checkpoint again changes nothing");
        assertEquals(k300, t.latest("wf-latest").orElseThrow());

        SQLException back = assertThrows(SQLException.class, () -> sql("UPDATE latest_checkpoints"
                + " SET checkpoint_id = " + k250.id() + ", iteration = 250 WHERE checkpoint_id = " + k300.id()));
        assertTrue(back.getMessage().contains("only moves forward"), back.getMessage());
        assertEquals(k300, t.latest("wf-latest").orElseThrow());
        assertThrows(NotFoundException.class, () -> t.advanceLatest(987_654_321L));
    }

    /**
     * Attempt 2 found attempt 1's checkpoint of iteration 6 corrupt, resumed from 3 and wrote iteration 6 again:
     * the tie goes to the newer attempt, never back to the older one (a zombie), in the repository and in SQL.
     */
    @Test
    void aTieAtTheLatestIterationGoesToTheNewerAttempt() {
        TrainingRepository t = registry.training();
        Checkpoint old6 = t.recordCheckpoint(checkpoint("wf-tie", 6, 1));
        Checkpoint new6 = t.recordCheckpoint(checkpoint("wf-tie", 6, 2));
        assertTrue(t.advanceLatest(old6.id()).moved());
        LatestMove taken = t.advanceLatest(new6.id());
        assertTrue(taken.moved());
        assertEquals(new6, taken.latest());
        assertFalse(t.advanceLatest(old6.id()).moved(), "the older attempt cannot take the tie back");
        assertEquals(new6, t.latest("wf-tie").orElseThrow());
        SQLException back = assertThrows(SQLException.class, () -> sql("UPDATE latest_checkpoints"
                + " SET checkpoint_id = " + old6.id() + " WHERE checkpoint_id = " + new6.id()));
        assertTrue(back.getMessage().contains("only moves forward"), back.getMessage());
        assertEquals(new6, t.latest("wf-tie").orElseThrow());
    }

    @Test
    void recordAndAdvanceIsOneTransaction() throws SQLException {
        TrainingRepository t = registry.training();
        LatestMove first = t.recordAndAdvance(checkpoint("wf-atomic", 10, 1));
        assertTrue(first.moved());
        assertEquals(first.offered(), first.latest());
        long before = count("checkpoints");
        assertThrows(ConstraintViolationException.class, () ->
                t.recordAndAdvance(new NewCheckpoint("wf-atomic", 20, 1, "k-atomic-20", "bad", 10)));
        assertEquals(before, count("checkpoints"));
        assertEquals(10, t.latest("wf-atomic").orElseThrow().iteration());
    }

    /**
     * Two attempts offer checkpoints at once (one the live attempt, one a zombie, interleaved iterations) while
     * a reader polls the pointer: the pointer never goes back and ends at the highest iteration offered.
     */
    @Test
    void racingWritersNeverMoveThePointerBack() throws Exception {
        TrainingRepository t = registry.training();
        int perWriter = 40;
        List<List<Long>> ids = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < perWriter; i++) {
                // writer 0 owns even iterations, writer 1 odd ones; writer 1 offers them newest first
                int iteration = w == 0 ? 2 * i : 2 * (perWriter - 1 - i) + 1;
                mine.add(t.recordCheckpoint(checkpoint("wf-race", iteration, w + 1)).id());
            }
            ids.add(mine);
        }
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Integer> seen = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (List<Long> mine : ids) {
            writers.add(new Thread(() -> {
                try {
                    go.await();
                    for (long id : mine) {
                        t.advanceLatest(id);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        Thread reader = new Thread(() -> {
            try {
                go.await();
                while (!done.get()) {
                    t.latest("wf-race").ifPresent(k -> seen.add(k.iteration()));
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        writers.forEach(Thread::start);
        reader.start();
        go.countDown();
        for (Thread w : writers) {
            w.join();
        }
        done.set(true);
        reader.join();
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) >= seen.get(i - 1), "pointer went back from " + seen.get(i - 1) + " to "
                    + seen.get(i));
        }
        // writer 0 offers up to 2*39 = 78, writer 1 starts at 2*39+1 = 79: the maximum is 79
        assertEquals(79, t.latest("wf-race").orElseThrow().iteration());
    }

    @Test
    void unknownRunsAndCheckpointsAreNotFound() {
        TrainingRepository t = registry.training();
        assertEquals("run 'ghost' not found", assertThrows(NotFoundException.class,
                () -> t.recordMetrics("ghost", List.of(new MetricPoint(1, 0, "l", 1)))).getMessage());
        assertThrows(NotFoundException.class, () -> t.recordCheckpoint(checkpoint("ghost", 1, 1)));
        assertThrows(NotFoundException.class, () -> t.latest("ghost"));
        assertThrows(NotFoundException.class, () -> t.curve("ghost"));
        assertEquals("checkpoint '42424242' not found",
                assertThrows(NotFoundException.class, () -> t.checkpoint(42_424_242L)).getMessage());
        assertThrows(NotFoundException.class, () -> t.checkpointByKey("no/such/key"));
    }
}
