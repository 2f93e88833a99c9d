package com.oneshotct.activities.registry;

import com.oneshotct.activities.Failures;
import com.oneshotct.db.AttemptEnd;
import com.oneshotct.db.AttemptRepository;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a stage body as one attempt in the registry: begun before the body runs, closed after it as succeeded,
 * failed (with the error's type and message) or cancelled. An attempt whose process dies, or that Temporal times
 * out while its body still runs, has nobody left to close it: the registry closes it as {@code lost} when the next
 * attempt of its stage begins or when its run ends (see {@link com.oneshotct.db.AttemptRepository}).
 */
public final class AttemptLog {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptLog.class);
    /** An exception message can be a whole dump; the registry keeps its head. */
    static final int MAX_MESSAGE = 4000;

    private final AttemptRepository attempts;
    private final String workerIdentity;
    private final Clock clock;

    public AttemptLog(AttemptRepository attempts, String workerIdentity) {
        this(attempts, workerIdentity, Clock.systemUTC());
    }

    public AttemptLog(AttemptRepository attempts, String workerIdentity, Clock clock) {
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.workerIdentity = Objects.requireNonNull(workerIdentity, "workerIdentity");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs {@code body} as an attempt of {@code stage} of the calling activity's execution. */
    public <T> T run(Stage stage, Supplier<T> body) {
        return run(AttemptContext.current(), stage, body);
    }

    /** Runs {@code body} as an attempt of {@code stage} of the execution {@code context} names. */
    public <T> T run(AttemptContext context, Stage stage, Supplier<T> body) {
        return runNumbered(context, stage, attempt -> body.get());
    }

    /**
     * As {@link #run(Stage, Supplier)}, handing the body its recorded attempt: its {@code attempt()} number counts
     * every execution of the stage in the run (Temporal's restarts at 1 after a retryStage signal), fit for
     * attempt-scoped object keys.
     */
    public <T> T runNumbered(Stage stage, Function<StageAttempt, T> body) {
        return runNumbered(AttemptContext.current(), stage, body);
    }

    public <T> T runNumbered(AttemptContext context, Stage stage, Function<StageAttempt, T> body) {
        StageAttempt attempt = Failures.registry(() -> attempts.begin(context.workflowId(), stage,
                context.activityId(), context.temporalAttempt(), workerIdentity, context.taskQueue(),
                clock.instant()));
        T result;
        try {
            result = body.apply(attempt);
        } catch (RuntimeException | Error e) {
            try {
                attempts.finish(attempt.workflowId(), stage, attempt.attempt(), ending(e, endTime(attempt)));
            } catch (RuntimeException bookkeeping) {
                // the body's failure is what the workflow must see; the failed bookkeeping rides along with it
                e.addSuppressed(bookkeeping);
            }
            throw e;
        }
        try {
            attempts.finish(attempt.workflowId(), stage, attempt.attempt(), AttemptEnd.succeeded(endTime(attempt)));
        } catch (RuntimeException bookkeeping) {
            // The stage's work is done and its own writes are idempotent and recorded; failing now would only make
            // Temporal run it again. The attempt stays open, as a killed one does.
            LOG.warn("stage {} of run '{}' succeeded but its attempt {} could not be closed: {}", stage.sql(),
                    attempt.workflowId(), attempt.attempt(), bookkeeping.getMessage());
        }
        return result;
    }

    /**
     * Adds a line to the record of a running attempt (what it found and did: a checkpoint skipped as corrupt, where
     * it resumed). If the registry cannot take it, the line is logged instead and the stage goes on: a note is an
     * account of the work, not part of it.
     */
    public void note(String workflowId, Stage stage, int attempt, String line) {
        try {
            attempts.note(workflowId, stage, attempt, line);
        } catch (RuntimeException e) {
            LOG.warn("run '{}' {} attempt {}: could not record the note '{}': {}", workflowId, stage.sql(), attempt,
                    line, e.getMessage());
        }
    }

    /** A clock stepping back must not make the end precede the start (the registry refuses that). */
    private Instant endTime(StageAttempt attempt) {
        Instant now = clock.instant();
        return now.isBefore(attempt.startedAt()) ? attempt.startedAt() : now;
    }

    static AttemptEnd ending(Throwable e, Instant endedAt) {
        Outcome outcome = e instanceof ActivityCanceledException || e instanceof CanceledFailure
                ? Outcome.CANCELLED : Outcome.FAILED;
        if (e instanceof ApplicationFailure f) {
            return new AttemptEnd(outcome, endedAt, f.getType(), message(f.getOriginalMessage(), e));
        }
        return new AttemptEnd(outcome, endedAt, e.getClass().getName(), message(e.getMessage(), e));
    }

    private static String message(String text, Throwable e) {
        String m = text == null || text.isBlank() ? e.getClass().getSimpleName() : text;
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE - 3) + "...";
    }
}
