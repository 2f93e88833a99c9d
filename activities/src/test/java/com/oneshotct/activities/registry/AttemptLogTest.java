package com.oneshotct.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.db.Database;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.RegistryException;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.contract.ErrorTypes;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttemptLogTest {

    private static final String RUN = "wf-log";

    private RegistrySchema schema;
    private AttemptLog log;

    @BeforeEach
    void setUp() {
        schema = new RegistrySchema();
        schema.registry.runs().register(new NewRun(RUN, "t-1", "{\"dataset\": \"d\"}", "hash", "dev", "resnet18",
                "d"));
        log = new AttemptLog(schema.registry.attempts(), "cpu-worker@test");
    }

    @AfterEach
    void tearDown() throws Exception {
        schema.close();
    }

    private static AttemptContext ctx(String activityId, int temporalAttempt) {
        return new AttemptContext(RUN, activityId, temporalAttempt, "oneshot-cpu");
    }

    private List<StageAttempt> attempts() {
        return schema.registry.attempts().attempts(RUN);
    }

    @Test
    void successIsOpenWhileTheBodyRunsThenClosed() {
        String result = log.run(ctx("1", 1), Stage.FETCH_DATASET, () -> {
            StageAttempt during = attempts().get(0);
            assertTrue(during.running(), "the attempt is recorded before the body runs");
            return "fetched";
        });
        assertEquals("fetched", result);
        StageAttempt a = attempts().get(0);
        assertEquals(Stage.FETCH_DATASET, a.stage());
        assertEquals(1, a.attempt());
        assertEquals(Outcome.SUCCEEDED, a.outcome());
        assertEquals("cpu-worker@test", a.workerIdentity());
        assertEquals("oneshot-cpu", a.taskQueue());
        assertFalse(a.endedAt().isBefore(a.startedAt()));
    }

    @Test
    void aNoteLandsInTheRunningAttemptsRecordAndNeverFailsTheBody() {
        String result = log.runNumbered(ctx("1", 1), Stage.TRAIN, a -> {
            log.note(RUN, Stage.TRAIN, a.attempt(), "resumed from runs/wf-log/attempt-1/iter-3.ckpt at iteration 3");
            // an attempt the registry does not have: the note is logged instead, the body goes on
            log.note(RUN, Stage.TRAIN, a.attempt() + 7, "lost");
            return "trained";
        });
        assertEquals("trained", result);
        StageAttempt a = attempts().get(0);
        assertEquals(Outcome.SUCCEEDED, a.outcome());
        assertEquals("resumed from runs/wf-log/attempt-1/iter-3.ckpt at iteration 3", a.note());
        // once closed the record is history: a late note changes nothing and throws nothing
        log.note(RUN, Stage.TRAIN, a.attempt(), "too late");
        assertEquals(a, attempts().get(0));
    }

    @Test
    void failureIsRecordedAndTheSameExceptionRethrown() {
        IllegalStateException boom = new IllegalStateException("disk full");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> log.run(ctx("1", 1), Stage.TRAIN, () -> {
                    throw boom;
                }));
        assertSame(boom, thrown);
        StageAttempt a = attempts().get(0);
        assertEquals(Outcome.FAILED, a.outcome());
        assertEquals("java.lang.IllegalStateException", a.errorClass());
        assertEquals("disk full", a.errorMessage());
    }

    @Test
    void applicationFailuresAreRecordedByTheirTypeAndPlainMessage() {
        assertThrows(ApplicationFailure.class, () -> log.run(ctx("1", 1), Stage.FETCH_DATASET, () -> {
            throw ApplicationFailure.newNonRetryableFailure("sha256 of images/a.png is wrong", ErrorTypes.BAD_DATA);
        }));
        StageAttempt a = attempts().get(0);
        assertEquals("BadData", a.errorClass());
        assertEquals("sha256 of images/a.png is wrong", a.errorMessage());
    }

    @Test
    void cancellationIsRecordedAsCancelled() {
        assertThrows(ActivityCanceledException.class, () -> log.run(ctx("1", 1), Stage.TRAIN, () -> {
            throw new ActivityCanceledException();
        }));
        assertEquals(Outcome.CANCELLED, attempts().get(0).outcome());
    }

    @Test
    void longOrMissingMessagesStillMakeAValidRecord() {
        String huge = "x".repeat(AttemptLog.MAX_MESSAGE + 1000);
        assertThrows(IllegalStateException.class, () -> log.run(ctx("1", 1), Stage.TRAIN, () -> {
            throw new IllegalStateException(huge);
        }));
        assertThrows(NullPointerException.class, () -> log.run(ctx("1", 2), Stage.TRAIN, () -> {
            throw new NullPointerException();
        }));
        List<StageAttempt> all = attempts();
        assertEquals(AttemptLog.MAX_MESSAGE, all.get(0).errorMessage().length());
        assertTrue(all.get(0).errorMessage().endsWith("..."));
        assertEquals("NullPointerException", all.get(1).errorMessage(), "a failure needs a message in the registry");
    }

    @Test
    void executionsAreNumberedAcrossRetryStage() {
        // scheduling "3": Temporal attempts 1 and 2; after retryStage, scheduling "9" counts from 1 again
        assertEquals(1, log.runNumbered(ctx("3", 1), Stage.TRAIN, StageAttempt::attempt));
        assertEquals(2, log.runNumbered(ctx("3", 2), Stage.TRAIN, StageAttempt::attempt));
        assertEquals(3, log.runNumbered(ctx("9", 1), Stage.TRAIN, StageAttempt::attempt));
        assertEquals(List.of(1, 2, 3), attempts().stream().map(StageAttempt::attempt).toList());
    }

    @Test
    void unknownRunFailsNonRetryablyBeforeTheBodyRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> log.run(
                new AttemptContext("ghost", "1", 1, "q"), Stage.TRAIN, () -> ran.getAndSet(true)));
        assertEquals(ErrorTypes.NOT_FOUND, f.getType());
        assertTrue(f.isNonRetryable());
        assertEquals("run 'ghost' not found", f.getOriginalMessage());
        assertFalse(ran.get());
    }

    @Test
    void aFailedCloseDoesNotHideTheBodysFailure() {
        Database own = Database.open(schema.config);
        AttemptLog fragile = new AttemptLog(own.registry().attempts(), "w");
        IllegalStateException boom = new IllegalStateException("CUDA error");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> fragile.run(ctx("1", 1), Stage.TRAIN, () -> {
                    own.close(); // the registry goes away while the body runs
                    throw boom;
                }));
        assertSame(boom, thrown);
        assertEquals(1, thrown.getSuppressed().length);
        assertInstanceOf(RegistryException.class, thrown.getSuppressed()[0]);
        assertNull(attempts().get(0).outcome(), "the attempt could not be closed, so it stays open");
    }

    @Test
    void aFailedCloseAfterSuccessKeepsTheResultAndLeavesTheAttemptOpen() {
        Database own = Database.open(schema.config);
        AttemptLog fragile = new AttemptLog(own.registry().attempts(), "w");
        String result = fragile.run(ctx("1", 1), Stage.EVALUATE, () -> {
            own.close();
            return "evaluated";
        });
        assertEquals("evaluated", result);
        assertTrue(attempts().get(0).running());
    }
}
