package com.oneshotct.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import static com.oneshotct.db.Jdbc.first;
import static com.oneshotct.db.Jdbc.update;

/**
 * Stage attempts, append-only: an attempt is recorded when it starts and closed once when it ends. Both writes
 * are idempotent, so an activity that retries its own bookkeeping leaves one row per attempt. An attempt nobody
 * closed (its worker was killed, cut off or stalled) is closed as {@link Outcome#LOST} when a later attempt of its
 * stage starts ({@link #SUPERSEDED}), when its run ends ({@link #closeOpen}, {@link #RUN_ENDED}) or when its run is
 * marked lost ({@link #WORKFLOW_LOST}); the error class says which, the message says why.
 */
public final class AttemptRepository {

    /** Error class of an attempt closed as lost because a later attempt of its stage started. */
    public static final String SUPERSEDED = "superseded";
    /** Error class of an attempt closed as lost because its run ended while it was open. */
    public static final String RUN_ENDED = "run_ended";
    /** Error class of an attempt closed as lost because its run's workflow is gone from Temporal. */
    public static final String WORKFLOW_LOST = "workflow_lost";

    /** Stage order for sorting, spelled from the enum so the two cannot drift apart. */
    static final String STAGE_ORDER = "array_position(ARRAY["
            + Arrays.stream(Stage.values()).map(s -> "'" + s.sql() + "'").collect(Collectors.joining(", "))
            + "]::text[], a.stage)";

    private final Jdbc jdbc;

    public AttemptRepository(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** Records that an attempt began; a repeat returns the attempt as first recorded. */
    public StageAttempt start(AttemptStart s) {
        return jdbc.tx("recording start of " + describe(s.workflowId(), s.stage(), s.attempt()), c -> {
            long run = Jdbc.runKey(c, s.workflowId());
            update(c, "INSERT INTO stage_attempts (run_id, stage, attempt, worker_identity, task_queue, started_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, stage, attempt) DO NOTHING",
                    run, s.stage(), s.attempt(), s.workerIdentity(), s.taskQueue(), s.startedAt());
            StageAttempt a = find(c, s.workflowId(), s.stage(), s.attempt());
            closeSuperseded(c, run, a, null);
            return a;
        });
    }

    /**
     * Records that Temporal started an execution of a stage's activity: {@code activityId} and
     * {@code temporalAttempt} name it (Temporal's counter restarts at 1 when the workflow schedules the stage again
     * after a {@code retryStage} signal, so it cannot be the registry's number). A repeat of the same execution
     * returns the attempt as first recorded; a new one gets attempt 1 + the stage's highest so far.
     */
    public StageAttempt begin(String workflowId, Stage stage, String activityId, int temporalAttempt,
                              String workerIdentity, String taskQueue, Instant startedAt) {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(startedAt, "startedAt");
        String what = "start of stage " + stage.sql() + " (activity " + activityId + ", Temporal attempt "
                + temporalAttempt + ") of run '" + workflowId + "'";
        return jdbc.tx("recording " + what, c -> {
            // Two executions of one stage starting at once would both read the same max(attempt); the row lock
            // makes the second wait for the first's commit. NO KEY UPDATE, not UPDATE: rows that merely reference
            // the run (checkpoints, metrics) take KEY SHARE locks for their foreign keys and must not wait on this.
            long run = first(c, "SELECT id FROM runs WHERE workflow_id = ? FOR NO KEY UPDATE",
                    rs -> rs.getLong(1), workflowId).orElseThrow(() -> new NotFoundException("run", workflowId));
            Optional<StageAttempt> seen = byActivity(c, run, stage, activityId, temporalAttempt);
            if (seen.isPresent()) {
                return seen.get();
            }
            update(c, "INSERT INTO stage_attempts (run_id, stage, attempt, activity_id, temporal_attempt,"
                            + " worker_identity, task_queue, started_at)"
                            + " SELECT ?, ?, coalesce(max(attempt), 0) + 1, ?, ?, ?, ?, ? FROM stage_attempts"
                            + " WHERE run_id = ? AND stage = ?",
                    run, stage, activityId, temporalAttempt, workerIdentity, taskQueue, startedAt, run, stage);
            StageAttempt a = byActivity(c, run, stage, activityId, temporalAttempt).orElseThrow();
            closeSuperseded(c, run, a, activityId);
            return a;
        });
    }

    /**
     * Closes an attempt. Closing it again with the same outcome and error class is a no-op that returns the
     * recorded attempt; a different ending is a {@link ConflictException}: history is not rewritten.
     */
    public StageAttempt finish(String workflowId, Stage stage, int attempt, AttemptEnd end) {
        String what = describe(workflowId, stage, attempt);
        return jdbc.tx("recording end of " + what, c -> {
            long run = Jdbc.runKey(c, workflowId);
            int n = update(c, "UPDATE stage_attempts SET ended_at = ?, outcome = ?, error_class = ?,"
                            + " error_message = ? WHERE run_id = ? AND stage = ? AND attempt = ?"
                            + " AND ended_at IS NULL",
                    end.endedAt(), end.outcome(), end.errorClass(), end.errorMessage(), run, stage, attempt);
            StageAttempt a = find(c, workflowId, stage, attempt);
            if (n == 0 && (a.outcome() != end.outcome() || !Objects.equals(a.errorClass(), end.errorClass()))) {
                throw new ConflictException(what + " already ended as " + a.outcome().sql()
                        + (a.errorClass() == null ? "" : " (" + a.errorClass() + ")"));
            }
            return a;
        });
    }

    /**
     * Appends a line to the note of an attempt that is still running (the first line starts it). A closed attempt's
     * note is history: adding to it is a {@link ConflictException}, as is noting an attempt never begun
     * ({@link NotFoundException}).
     */
    public StageAttempt note(String workflowId, Stage stage, int attempt, String line) {
        Objects.requireNonNull(line, "line");
        if (line.isBlank()) {
            throw new IllegalArgumentException("an attempt's note line must not be blank");
        }
        String what = describe(workflowId, stage, attempt);
        return jdbc.tx("adding to the note of " + what, c -> {
            long run = Jdbc.runKey(c, workflowId);
            int n = update(c, "UPDATE stage_attempts SET note = CASE WHEN note IS NULL THEN ?"
                            + " ELSE note || chr(10) || ? END"
                            + " WHERE run_id = ? AND stage = ? AND attempt = ? AND ended_at IS NULL",
                    line, line, run, stage, attempt);
            StageAttempt a = find(c, workflowId, stage, attempt);
            if (n == 0) {
                throw new ConflictException(what + " already ended as " + a.outcome().sql()
                        + "; its note cannot change");
            }
            return a;
        });
    }

    /**
     * Closes, as lost ({@link #RUN_ENDED}), every attempt of a run that is still open, but {@code keep} (the caller's
     * own attempt, or null): called when the run ends, when no attempt of it can still be running. Returns how many
     * it closed; a repeat closes none.
     */
    public int closeOpen(String workflowId, StageAttempt keep) {
        return jdbc.tx("closing the open attempts of run '" + workflowId + "'", c -> {
            long run = Jdbc.runKey(c, workflowId);
            String status = first(c, "SELECT status FROM runs WHERE id = ?", rs -> rs.getString(1), run)
                    .orElseThrow();
            return closeOpen(c, run, RUN_ENDED, "the run ended (" + status + ") while this attempt was open:"
                    + " nothing was left to close it; its worker ", " is gone (killed, cut off or stalled)", keep);
        });
    }

    /**
     * Closes the run's open attempts but {@code keep} as lost with {@code reasonClass}; the message is
     * {@code before} + the attempt's worker + {@code after}.
     */
    static int closeOpen(Connection c, long run, String reasonClass, String before, String after, StageAttempt keep)
            throws SQLException {
        String close = "UPDATE stage_attempts SET outcome = ?, ended_at = greatest(started_at, now()),"
                + " error_class = ?, error_message = ? || worker_identity || ? WHERE run_id = ? AND ended_at IS NULL";
        if (keep == null) {
            return update(c, close, Outcome.LOST, reasonClass, before, after, run);
        }
        return update(c, close + " AND NOT (stage = ? AND attempt = ?)", Outcome.LOST, reasonClass, before, after,
                run, keep.stage(), keep.attempt());
    }

    /**
     * A new attempt of a stage means Temporal gave up on every earlier one: one still open was timed out (no
     * heartbeat, or no completion within the stage's timeout) while nobody closed it. It ends when its successor
     * started.
     */
    private static void closeSuperseded(Connection c, long run, StageAttempt successor, String activityId)
            throws SQLException {
        // side-by-side executions (validation: one per checkpoint) supersede only earlier attempts of their own
        // activity; a stage that runs one execution at a time supersedes every earlier open attempt
        update(c, "UPDATE stage_attempts SET outcome = ?, ended_at = greatest(started_at, ?), error_class = ?,"
                        + " error_message = ? || worker_identity || ?"
                        + " WHERE run_id = ? AND stage = ? AND attempt < ? AND ended_at IS NULL"
                        + " AND (NOT ? OR activity_id IS NOT DISTINCT FROM ?)",
                Outcome.LOST, successor.startedAt(), SUPERSEDED,
                "attempt " + successor.attempt() + " of this stage started while this one was open: Temporal timed"
                        + " it out (no heartbeat or no completion within the stage's timeout); its worker ",
                " died, was cut off or stalled", run, successor.stage(), successor.attempt(),
                successor.stage().concurrent(), activityId);
    }

    /** Every attempt of a run, in stage order and attempt order. */
    public List<StageAttempt> attempts(String workflowId) {
        return jdbc.read("reading attempts of run '" + workflowId + "'", c -> list(c, workflowId));
    }

    static List<StageAttempt> list(Connection c, String workflowId) throws SQLException {
        long run = Jdbc.runKey(c, workflowId);
        return Jdbc.list(c, "SELECT " + Rows.ATTEMPT_COLUMNS + " FROM stage_attempts a JOIN runs r ON r.id = a.run_id"
                + " WHERE a.run_id = ? ORDER BY " + STAGE_ORDER + ", a.attempt", Rows::attempt, run);
    }

    private static StageAttempt find(Connection c, String workflowId, Stage stage, int attempt) throws SQLException {
        return first(c, "SELECT " + Rows.ATTEMPT_COLUMNS + " FROM stage_attempts a JOIN runs r ON r.id = a.run_id"
                        + " WHERE r.workflow_id = ? AND a.stage = ? AND a.attempt = ?", Rows::attempt,
                workflowId, stage, attempt)
                .orElseThrow(() -> new NotFoundException("attempt", describeId(workflowId, stage, attempt)));
    }

    private static Optional<StageAttempt> byActivity(Connection c, long run, Stage stage, String activityId,
                                                     int temporalAttempt) throws SQLException {
        return first(c, "SELECT " + Rows.ATTEMPT_COLUMNS + " FROM stage_attempts a JOIN runs r ON r.id = a.run_id"
                        + " WHERE a.run_id = ? AND a.stage = ? AND a.activity_id = ? AND a.temporal_attempt = ?",
                Rows::attempt, run, stage, activityId, temporalAttempt);
    }

    private static String describe(String workflowId, Stage stage, int attempt) {
        return "attempt " + attempt + " of stage " + stage.sql() + " of run '" + workflowId + "'";
    }

    private static String describeId(String workflowId, Stage stage, int attempt) {
        return workflowId + "/" + stage.sql() + "/" + attempt;
    }
}
