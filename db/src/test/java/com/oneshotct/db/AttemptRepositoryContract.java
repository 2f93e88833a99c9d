package com.oneshotct.db;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.oneshotct.db.Fixtures.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stage attempts: one row per attempt however often it is written, closed once, never rewritten. */
abstract class AttemptRepositoryContract extends DbContract {

    @BeforeAll
    void runs() {
        registry.runs().register(Fixtures.run("wf-a", "resnext50", "cncb-demo"));
        registry.runs().register(Fixtures.run("wf-b", "resnext50", "cncb-demo"));
        registry.runs().register(Fixtures.run("wf-c", "resnext50", "cncb-demo"));
        registry.runs().register(Fixtures.run("wf-d", "resnext50", "cncb-demo"));
    }

    @Test
    void beginNumbersExecutionsAcrossRetryStageAndRepeatsAreIdempotent() {
        AttemptRepository attempts = registry.attempts();
        // first scheduling of train (activity "5"): Temporal attempts 1 and 2 -> registry attempts 1 and 2
        StageAttempt first = attempts.begin("wf-c", Stage.TRAIN, "5", 1, "gpu-1", "oneshot-gpu", at(0));
        assertEquals(1, first.attempt());
        assertTrue(first.running());
        assertEquals(2, attempts.begin("wf-c", Stage.TRAIN, "5", 2, "gpu-2", "oneshot-gpu", at(10)).attempt());
        // after retryStage the activity is scheduled anew (activity "11") and Temporal counts from 1 again
        StageAttempt third = attempts.begin("wf-c", Stage.TRAIN, "11", 1, "gpu-1", "oneshot-gpu", at(20));
        assertEquals(3, third.attempt());
        // the same execution reported twice (a retried bookkeeping call) is the row first written, which its
        // successor closed as lost
        StageAttempt again = attempts.begin("wf-c", Stage.TRAIN, "5", 1, "someone-else", "q", at(99));
        assertEquals(first.attempt(), again.attempt());
        assertEquals(first.workerIdentity(), again.workerIdentity());
        assertEquals(first.startedAt(), again.startedAt());
        assertEquals(Outcome.LOST, again.outcome());
        assertEquals(AttemptRepository.SUPERSEDED, again.errorClass());
        // another stage keeps its own count
        assertEquals(1, attempts.begin("wf-c", Stage.EVALUATE, "5", 1, "cpu-1", "oneshot-cpu", at(30)).attempt());

        StageAttempt closed = attempts.finish("wf-c", Stage.TRAIN, 3, AttemptEnd.succeeded(at(40)));
        assertEquals(Outcome.SUCCEEDED, closed.outcome());
        assertEquals(closed, attempts.begin("wf-c", Stage.TRAIN, "11", 1, "gpu-1", "oneshot-gpu", at(20)),
                "a repeat after the close still finds the closed row");
        assertEquals(List.of("train#1", "train#2", "train#3", "evaluate#1"), attempts.attempts("wf-c").stream()
                .map(a -> a.stage().sql() + "#" + a.attempt()).toList());
    }

    @Test
    void aNoteGrowsWhileTheAttemptRunsAndIsHistoryOnceItEnds() {
        registry.runs().register(Fixtures.run("wf-n", "resnext50", "cncb-demo"));
        AttemptRepository attempts = registry.attempts();
        StageAttempt a = attempts.begin("wf-n", Stage.TRAIN, "notes", 1, "gpu-1", "oneshot-gpu", at(0));
        assertNull(a.note());
        assertEquals("skipped iter-6: corrupt", attempts.note("wf-n", Stage.TRAIN, a.attempt(),
                "skipped iter-6: corrupt").note());
        assertEquals("skipped iter-6: corrupt\nresumed from iter-3", attempts.note("wf-n", Stage.TRAIN,
                a.attempt(), "resumed from iter-3").note());
        assertThrows(IllegalArgumentException.class, () -> attempts.note("wf-n", Stage.TRAIN, a.attempt(), " "));
        assertThrows(NotFoundException.class, () -> attempts.note("wf-n", Stage.TRAIN, 99, "x"));

        // direct SQL may add to an open attempt's note but not rewrite what it says
        SQLException rewrite = assertThrows(SQLException.class, () -> sql("UPDATE stage_attempts SET note = 'other'"
                + " WHERE activity_id = 'notes'"));
        assertTrue(rewrite.getMessage().contains("can only grow"), rewrite.getMessage());
        SQLException erase = assertThrows(SQLException.class, () -> sql("UPDATE stage_attempts SET note = NULL"
                + " WHERE activity_id = 'notes'"));
        assertTrue(erase.getMessage().contains("can only grow"), erase.getMessage());

        StageAttempt closed = attempts.finish("wf-n", Stage.TRAIN, a.attempt(), AttemptEnd.succeeded(at(5)));
        assertEquals("skipped iter-6: corrupt\nresumed from iter-3", closed.note(), "closing keeps the note");
        ConflictException late = assertThrows(ConflictException.class,
                () -> attempts.note("wf-n", Stage.TRAIN, a.attempt(), "too late"));
        assertTrue(late.getMessage().contains("already ended as succeeded"), late.getMessage());
        assertEquals(closed.note(), attempts.attempts("wf-n").stream()
                .filter(x -> x.stage() == Stage.TRAIN && x.attempt() == a.attempt()).findFirst().orElseThrow().note());
    }

    @Test
    void beginAfterOldStyleStartContinuesItsNumbering() {
        AttemptRepository attempts = registry.attempts();
        attempts.start(new AttemptStart("wf-c", Stage.REGISTER, 1, "w", "q", at(0)));
        assertEquals(2, attempts.begin("wf-c", Stage.REGISTER, "1", 1, "w", "q", at(5)).attempt());
    }

    @Test
    void concurrentBeginsGetDistinctNumbersAndOneRowPerExecution() throws Exception {
        AttemptRepository attempts = registry.attempts();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<StageAttempt>> distinct = new ArrayList<>();
            List<Future<StageAttempt>> same = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String activity = "act-" + i;
                distinct.add(pool.submit(() -> {
                    go.await();
                    return attempts.begin("wf-d", Stage.FETCH_DATASET, activity, 1, "w", "q", at(0));
                }));
                same.add(pool.submit(() -> {
                    go.await();
                    return attempts.begin("wf-d", Stage.EVALUATE, "dup", 1, "w", "q", at(0));
                }));
            }
            go.countDown();
            Set<Integer> numbers = new TreeSet<>();
            for (Future<StageAttempt> f : distinct) {
                numbers.add(f.get(30, TimeUnit.SECONDS).attempt());
            }
            assertEquals(IntStream.rangeClosed(1, n).boxed().collect(Collectors.toSet()), numbers);
            for (Future<StageAttempt> f : same) {
                assertEquals(1, f.get(30, TimeUnit.SECONDS).attempt());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count("stage_attempts WHERE stage = 'evaluate' AND run_id ="
                + " (SELECT id FROM runs WHERE workflow_id = 'wf-d')"));
    }

    @Test
    void beginRefusesBadExecutionIdsAndProtectsThemInSql() {
        AttemptRepository attempts = registry.attempts();
        ConstraintViolationException zero = assertThrows(ConstraintViolationException.class,
                () -> attempts.begin("wf-d", Stage.TRAIN, "7", 0, "w", "q", at(0)));
        assertEquals("stage_attempts_temporal_attempt_positive", zero.constraint());
        ConstraintViolationException blank = assertThrows(ConstraintViolationException.class,
                () -> attempts.begin("wf-d", Stage.TRAIN, " ", 1, "w", "q", at(0)));
        assertEquals("stage_attempts_activity_id_not_blank", blank.constraint());
        NotFoundException ghost = assertThrows(NotFoundException.class,
                () -> attempts.begin("ghost", Stage.TRAIN, "7", 1, "w", "q", at(0)));
        assertEquals("run 'ghost' not found", ghost.getMessage());

        attempts.begin("wf-d", Stage.TRAIN, "7", 1, "w", "q", at(0));
        SQLException edit = assertThrows(SQLException.class, () -> sql("UPDATE stage_attempts"
                + " SET activity_id = '8' WHERE activity_id = '7'"));
        assertTrue(edit.getMessage().contains("append-only"), edit.getMessage());
    }

    @Test
    void startAndFinishAreIdempotent() throws SQLException {
        AttemptRepository attempts = registry.attempts();
        AttemptStart s = new AttemptStart("wf-a", Stage.TRAIN, 1, "gpu-worker-1@host", "oneshot-gpu", at(0));
        StageAttempt started = attempts.start(s);
        assertTrue(started.running());
        // a retry of the bookkeeping from another worker would not change who ran the attempt
        assertEquals(started, attempts.start(new AttemptStart("wf-a", Stage.TRAIN, 1, "other", "q", at(5))));

        AttemptEnd end = AttemptEnd.failed(at(60), new IllegalStateException("CUDA out of memory"));
        StageAttempt failed = attempts.finish("wf-a", Stage.TRAIN, 1, end);
        assertEquals(Outcome.FAILED, failed.outcome());
        assertEquals("java.lang.IllegalStateException", failed.errorClass());
        assertEquals("CUDA out of memory", failed.errorMessage());
        assertEquals(at(60), failed.endedAt());
        assertEquals(failed, attempts.finish("wf-a", Stage.TRAIN, 1, end), "a repeated close is a no-op");
        assertEquals(1, count("stage_attempts WHERE stage = 'train' AND attempt = 1 AND run_id ="
                + " (SELECT id FROM runs WHERE workflow_id = 'wf-a')"));

        ConflictException rewrite = assertThrows(ConflictException.class,
                () -> attempts.finish("wf-a", Stage.TRAIN, 1, AttemptEnd.succeeded(at(61))));
        assertEquals("attempt 1 of stage train of run 'wf-a' already ended as failed"
                + " (java.lang.IllegalStateException)", rewrite.getMessage());
    }

    @Test
    void attemptsListInStageOrderThenAttemptOrder() {
        AttemptRepository attempts = registry.attempts();
        attempts.start(new AttemptStart("wf-b", Stage.TRAIN, 2, "w2", "gpu", at(300)));
        attempts.start(new AttemptStart("wf-b", Stage.REGISTER, 1, "w1", "cpu", at(0)));
        attempts.start(new AttemptStart("wf-b", Stage.TRAIN, 1, "w1", "gpu", at(100)));
        attempts.start(new AttemptStart("wf-b", Stage.FETCH_DATASET, 1, "w1", "cpu", at(10)));
        List<String> order = attempts.attempts("wf-b").stream()
                .map(a -> a.stage().sql() + "#" + a.attempt()).toList();
        assertEquals(List.of("register#1", "fetch_dataset#1", "train#1", "train#2"), order);
    }

    @Test
    void wrongAttemptsAreRefusedByName() {
        AttemptRepository attempts = registry.attempts();
        ConstraintViolationException zero = assertThrows(ConstraintViolationException.class,
                () -> attempts.start(new AttemptStart("wf-a", Stage.EVALUATE, 0, "w", "q", at(0))));
        assertEquals("stage_attempts_attempt_positive", zero.constraint());

        attempts.start(new AttemptStart("wf-a", Stage.EVALUATE, 1, "w", "q", at(100)));
        ConstraintViolationException noMessage = assertThrows(ConstraintViolationException.class,
                () -> attempts.finish("wf-a", Stage.EVALUATE, 1, AttemptEnd.failed(at(110), "java.io.IOException",
                        null)));
        assertEquals("stage_attempts_failure_has_error", noMessage.constraint());

        ConstraintViolationException backwards = assertThrows(ConstraintViolationException.class,
                () -> attempts.finish("wf-a", Stage.EVALUATE, 1, AttemptEnd.succeeded(at(99))));
        assertEquals("stage_attempts_ended_after_started", backwards.constraint());

        StageAttempt stillOpen = attempts.attempts("wf-a").stream()
                .filter(a -> a.stage() == Stage.EVALUATE).findFirst().orElseThrow();
        assertNull(stillOpen.outcome(), "a refused close leaves the attempt open");
    }

    @Test
    void historyCannotBeEditedOrDeletedInSql() {
        AttemptRepository attempts = registry.attempts();
        attempts.start(new AttemptStart("wf-a", Stage.FETCH_DATASET, 1, "w", "q", at(0)));
        attempts.finish("wf-a", Stage.FETCH_DATASET, 1, AttemptEnd.failed(at(5), "java.io.IOException", "reset"));
        SQLException edit = assertThrows(SQLException.class, () -> sql("UPDATE stage_attempts"
                + " SET error_message = 'nothing happened' WHERE stage = 'fetch_dataset'"));
        assertTrue(edit.getMessage().contains("append-only"), edit.getMessage());
        SQLException delete = assertThrows(SQLException.class,
                () -> sql("DELETE FROM stage_attempts WHERE stage = 'fetch_dataset'"));
        assertTrue(delete.getMessage().contains("cannot be deleted"), delete.getMessage());
    }

    @Test
    void unknownRunOrAttemptIsNotFound() {
        NotFoundException run = assertThrows(NotFoundException.class, () -> registry.attempts()
                .start(new AttemptStart("ghost", Stage.TRAIN, 1, "w", "q", at(0))));
        assertEquals("run 'ghost' not found", run.getMessage());
        NotFoundException attempt = assertThrows(NotFoundException.class, () -> registry.attempts()
                .finish("wf-a", Stage.REGISTER_METRICS, 7, AttemptEnd.succeeded(at(0))));
        assertEquals("attempt 'wf-a/register_metrics/7' not found", attempt.getMessage());
        assertThrows(NotFoundException.class, () -> registry.attempts().attempts("ghost"));
    }
}
