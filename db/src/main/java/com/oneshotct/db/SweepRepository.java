package com.oneshotct.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static com.oneshotct.db.Jdbc.first;
import static com.oneshotct.db.Jdbc.update;

/**
 * Sweeps: a TrainingSweep workflow and its points (recorded once, idempotently, before the first child starts), its
 * ending, and the {@code sweep_summary} view over its children's runs.
 */
public final class SweepRepository {

    private final Jdbc jdbc;

    public SweepRepository(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Records a sweep and every point in one transaction. A retried registration finds the rows and returns them
     * unchanged; the same sweep id with another input or other points is a {@link ConflictException} (compared as
     * JSON values, so key order and spacing do not matter). A child id that another sweep already holds is refused
     * by the database ({@code sweep_children_workflow_id_key}).
     */
    public Sweep register(NewSweep s) {
        return jdbc.tx("registering sweep '" + s.workflowId() + "'", c -> {
            update(c, "INSERT INTO sweeps (workflow_id, temporal_run_id, input, metric, split, max_concurrent)"
                            + " VALUES (?, ?, ?::jsonb, ?, ?, ?) ON CONFLICT (workflow_id) DO NOTHING",
                    s.workflowId(), s.temporalRunId(), s.inputJson(), s.metric(), s.split(), s.maxConcurrent());
            boolean same = first(c, "SELECT input = ?::jsonb AND metric IS NOT DISTINCT FROM ? AND split = ?"
                            + " AND max_concurrent = ? FROM sweeps WHERE workflow_id = ?", rs -> rs.getBoolean(1),
                    s.inputJson(), s.metric(), s.split(), s.maxConcurrent(), s.workflowId()).orElseThrow();
            if (!same) {
                throw new ConflictException("sweep '" + s.workflowId() + "' is already registered with a different"
                        + " input");
            }
            long key = sweepKey(c, s.workflowId());
            for (NewSweep.Point p : s.points()) {
                update(c, "INSERT INTO sweep_children (sweep_id, k, workflow_id, point) VALUES (?, ?, ?, ?::jsonb)"
                        + " ON CONFLICT (sweep_id, k) DO NOTHING", key, p.k(), p.workflowId(), p.valuesJson());
                boolean samePoint = first(c, "SELECT workflow_id = ? AND point = ?::jsonb FROM sweep_children"
                                + " WHERE sweep_id = ? AND k = ?", rs -> rs.getBoolean(1), p.workflowId(),
                        p.valuesJson(), key, p.k()).orElseThrow();
                if (!samePoint) {
                    throw new ConflictException("sweep '" + s.workflowId() + "' already has a different point "
                            + p.k());
                }
            }
            int stored = first(c, "SELECT count(*) FROM sweep_children WHERE sweep_id = ?", rs -> rs.getInt(1), key)
                    .orElseThrow();
            if (stored != s.points().size()) {
                throw new ConflictException("sweep '" + s.workflowId() + "' is already registered with " + stored
                        + " points, not " + s.points().size());
            }
            return find(c, s.workflowId());
        });
    }

    /**
     * Records how a sweep ended. Repeating the same ending changes nothing; the database refuses to move a sweep
     * that already ended to another status, or back to running.
     */
    public Sweep end(String workflowId, SweepStatus status) {
        if (status == SweepStatus.RUNNING) {
            throw new IllegalArgumentException("a sweep ends as completed, stopped, aborted or cancelled, not running");
        }
        return jdbc.tx("ending sweep '" + workflowId + "' as " + status.sql(), c -> {
            int n = update(c, "UPDATE sweeps SET status = ?, ended_at = now() WHERE workflow_id = ? AND status <> ?",
                    status, workflowId, status);
            if (n == 0) {
                sweepKey(c, workflowId); // unknown sweep, or a repeat
            }
            return find(c, workflowId);
        });
    }

    /** The sweep with this workflow id, or {@link NotFoundException}. */
    public Sweep get(String workflowId) {
        return jdbc.read("reading sweep '" + workflowId + "'", c -> find(c, workflowId));
    }

    /** The sweep's rows of {@code sweep_summary}, by point number; an unknown sweep is {@link NotFoundException}. */
    public List<SweepChildSummary> summary(String workflowId) {
        return jdbc.read("reading the summary of sweep '" + workflowId + "'", c -> {
            sweepKey(c, workflowId);
            return Jdbc.list(c, "SELECT " + Rows.SWEEP_SUMMARY_COLUMNS + " FROM sweep_summary ss"
                    + " WHERE ss.sweep_id = ? ORDER BY ss.k", Rows::sweepChild, workflowId);
        });
    }

    private static long sweepKey(Connection c, String workflowId) throws SQLException {
        return first(c, "SELECT id FROM sweeps WHERE workflow_id = ?", rs -> rs.getLong(1), workflowId)
                .orElseThrow(() -> new NotFoundException("sweep", workflowId));
    }

    private static Sweep find(Connection c, String workflowId) throws SQLException {
        return first(c, "SELECT " + Rows.SWEEP_COLUMNS + " FROM sweeps s WHERE s.workflow_id = ?", Rows::sweep,
                workflowId).orElseThrow(() -> new NotFoundException("sweep", workflowId));
    }
}
