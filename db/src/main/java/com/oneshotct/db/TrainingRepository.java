package com.oneshotct.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static com.oneshotct.db.Jdbc.first;
import static com.oneshotct.db.Jdbc.update;

/**
 * What training writes: loss curves, checkpoints and the per-run latest-checkpoint pointer. Every write is
 * idempotent (a retried activity repeats them), and the pointer only moves forward.
 */
public final class TrainingRepository {

    private static final String CHECKPOINT_FROM = " FROM checkpoints c JOIN runs r ON r.id = c.run_id";

    private final Jdbc jdbc;

    public TrainingRepository(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Records loss values in one transaction. A point already recorded (same run, loss name and iteration) keeps
     * its first value: resume is exact, so a retry recomputes the same numbers. Returns how many points were new.
     */
    public int recordMetrics(String workflowId, List<MetricPoint> points) {
        return jdbc.tx("recording " + points.size() + " metric points of run '" + workflowId + "'", c -> {
            long run = Jdbc.runKey(c, workflowId);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO training_metrics"
                    + " (run_id, iteration, epoch, loss_name, value) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (run_id, loss_name, iteration) DO NOTHING")) {
                for (MetricPoint p : points) {
                    ps.setLong(1, run);
                    ps.setInt(2, p.iteration());
                    ps.setInt(3, p.epoch());
                    ps.setString(4, p.lossName());
                    ps.setDouble(5, p.value());
                    ps.addBatch();
                }
                int inserted = 0;
                for (int n : ps.executeBatch()) {
                    inserted += Math.max(n, 0);
                }
                return inserted;
            }
        });
    }

    /** A run's loss curve, by iteration then loss name. */
    public List<MetricPoint> curve(String workflowId) {
        return jdbc.read("reading the metric curve of run '" + workflowId + "'", c -> curve(c, workflowId));
    }

    static List<MetricPoint> curve(Connection c, String workflowId) throws SQLException {
        long run = Jdbc.runKey(c, workflowId);
        return Jdbc.list(c, "SELECT iteration, epoch, loss_name, value FROM training_metrics WHERE run_id = ?"
                + " ORDER BY iteration, loss_name", Rows::metric, run);
    }

    /**
     * Records an uploaded checkpoint, keyed by its object key. A repeat returns the first row; the same key with
     * another run, iteration, attempt, hash or size is a {@link ConflictException}.
     */
    public Checkpoint recordCheckpoint(NewCheckpoint n) {
        return jdbc.tx("recording checkpoint '" + n.objectKey() + "'", c -> record(c, n));
    }

    /**
     * Offers a checkpoint as its run's latest: a compare-and-set that moves the pointer only forward in (iteration,
     * attempt) order, so a late writer (a zombie attempt, always the older one) cannot move it back or take a tie,
     * while an attempt that resumed from an earlier checkpoint (the latest was corrupt) takes over the latest's
     * iteration when it reaches it.
     */
    public LatestMove advanceLatest(long checkpointId) {
        return jdbc.tx("moving the latest checkpoint to " + checkpointId, c -> advance(c, find(c, checkpointId)));
    }

    /** Records a checkpoint and offers it as the latest, in one transaction. */
    public LatestMove recordAndAdvance(NewCheckpoint n) {
        return jdbc.tx("recording checkpoint '" + n.objectKey() + "'", c -> advance(c, record(c, n)));
    }

    /** The checkpoint the run's latest pointer names; empty before its first checkpoint. */
    public Optional<Checkpoint> latest(String workflowId) {
        return jdbc.read("reading the latest checkpoint of run '" + workflowId + "'", c -> latest(c, workflowId));
    }

    static Optional<Checkpoint> latest(Connection c, String workflowId) throws SQLException {
        long run = Jdbc.runKey(c, workflowId);
        return first(c, "SELECT " + Rows.CHECKPOINT_COLUMNS + CHECKPOINT_FROM
                + " JOIN latest_checkpoints l ON l.checkpoint_id = c.id WHERE l.run_id = ?", Rows::checkpoint, run);
    }

    /** Every checkpoint of a run, by iteration then attempt. */
    public List<Checkpoint> checkpoints(String workflowId) {
        return jdbc.read("reading checkpoints of run '" + workflowId + "'", c -> checkpoints(c, workflowId));
    }

    static List<Checkpoint> checkpoints(Connection c, String workflowId) throws SQLException {
        long run = Jdbc.runKey(c, workflowId);
        return Jdbc.list(c, "SELECT " + Rows.CHECKPOINT_COLUMNS + CHECKPOINT_FROM + " WHERE c.run_id = ?"
                + " ORDER BY c.iteration, c.attempt", Rows::checkpoint, run);
    }

    public Checkpoint checkpoint(long id) {
        return jdbc.read("reading checkpoint " + id, c -> find(c, id));
    }

    public Checkpoint checkpointByKey(String objectKey) {
        return jdbc.read("reading checkpoint '" + objectKey + "'", c ->
                first(c, "SELECT " + Rows.CHECKPOINT_COLUMNS + CHECKPOINT_FROM + " WHERE c.object_key = ?",
                        Rows::checkpoint, objectKey).orElseThrow(() -> new NotFoundException("checkpoint", objectKey)));
    }

    static Checkpoint find(Connection c, long id) throws SQLException {
        return first(c, "SELECT " + Rows.CHECKPOINT_COLUMNS + CHECKPOINT_FROM + " WHERE c.id = ?", Rows::checkpoint, id)
                .orElseThrow(() -> new NotFoundException("checkpoint", id));
    }

    private static Checkpoint record(Connection c, NewCheckpoint n) throws SQLException {
        long run = Jdbc.runKey(c, n.workflowId());
        update(c, "INSERT INTO checkpoints (run_id, iteration, attempt, object_key, sha256, bytes)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (object_key) DO NOTHING",
                run, n.iteration(), n.attempt(), n.objectKey(), n.sha256(), n.bytes());
        Checkpoint k = first(c, "SELECT " + Rows.CHECKPOINT_COLUMNS + CHECKPOINT_FROM + " WHERE c.object_key = ?",
                Rows::checkpoint, n.objectKey()).orElseThrow();
        if (!k.workflowId().equals(n.workflowId()) || k.iteration() != n.iteration() || k.attempt() != n.attempt()
                || !k.sha256().equals(n.sha256()) || k.bytes() != n.bytes()) {
            throw new ConflictException("checkpoint '" + n.objectKey() + "' is already recorded as run '"
                    + k.workflowId() + "' iteration " + k.iteration() + " attempt " + k.attempt() + ", sha256 "
                    + k.sha256() + ", " + k.bytes() + " bytes");
        }
        return k;
    }

    private static LatestMove advance(Connection c, Checkpoint k) throws SQLException {
        // ON CONFLICT ... DO UPDATE locks the pointer row and re-checks the WHERE on its newest version, so two
        // concurrent offers serialise and the later (iteration, attempt) wins whatever order they commit in.
        int n = update(c, "INSERT INTO latest_checkpoints (run_id, checkpoint_id, iteration)"
                + " SELECT run_id, id, iteration FROM checkpoints WHERE id = ?"
                + " ON CONFLICT (run_id) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id,"
                + " iteration = EXCLUDED.iteration, updated_at = now()"
                + " WHERE latest_checkpoints.iteration < EXCLUDED.iteration"
                + " OR latest_checkpoints.iteration = EXCLUDED.iteration"
                + " AND (SELECT attempt FROM checkpoints WHERE id = latest_checkpoints.checkpoint_id) < ?",
                k.id(), k.attempt());
        return new LatestMove(k, n == 1, latest(c, k.workflowId()).orElseThrow());
    }
}
