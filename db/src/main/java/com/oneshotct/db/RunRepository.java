package com.oneshotct.db;

import com.fasterxml.jackson.core.JsonProcessingException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import static com.oneshotct.db.Jdbc.first;
import static com.oneshotct.db.Jdbc.update;

/** Datasets and runs: registration (idempotent), dataset lineage and status changes. */
public final class RunRepository {

    private final Jdbc jdbc;

    public RunRepository(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Records a dataset, keyed by its manifest hash. A repeat (another run on the same data, or a retried fetch)
     * leaves the first row as it was and returns it.
     */
    public Dataset registerDataset(NewDataset d) {
        String splits;
        try {
            splits = Rows.JSON.writeValueAsString(new TreeMap<>(d.splitSizes()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("split sizes of dataset " + d.name() + " cannot be written", e);
        }
        return jdbc.tx("registering dataset '" + d.name() + "'", c -> {
            update(c, "INSERT INTO datasets (id, name, object_prefix, file_count, total_bytes, split_sizes)"
                            + " VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (id) DO NOTHING",
                    d.id(), d.name(), d.objectPrefix(), d.fileCount(), d.totalBytes(), splits);
            return first(c, "SELECT " + Rows.DATASET_COLUMNS + " FROM datasets d WHERE d.id = ?", Rows::dataset,
                    d.id()).orElseThrow();
        });
    }

    public Dataset dataset(String id) {
        return jdbc.read("reading dataset '" + id + "'", c ->
                first(c, "SELECT " + Rows.DATASET_COLUMNS + " FROM datasets d WHERE d.id = ?", Rows::dataset, id)
                        .orElseThrow(() -> new NotFoundException("dataset", id)));
    }

    /**
     * Registers a run under its workflow id. A retried registration finds the row and returns it unchanged; the
     * same workflow id with a different request is a {@link ConflictException} (compared as JSON values, so
     * key order and spacing do not matter).
     */
    public Run register(NewRun r) {
        return jdbc.tx("registering run '" + r.workflowId() + "'", c -> {
            update(c, "INSERT INTO runs (workflow_id, temporal_run_id, request, config_hash, code_version,"
                            + " backbone, dataset_name) VALUES (?, ?, ?::jsonb, ?, ?, ?, ?)"
                            + " ON CONFLICT (workflow_id) DO NOTHING",
                    r.workflowId(), r.temporalRunId(), r.requestJson(), r.configHash(), r.codeVersion(),
                    r.backbone(), r.datasetName());
            boolean same = first(c, "SELECT request = ?::jsonb FROM runs WHERE workflow_id = ?",
                    rs -> rs.getBoolean(1), r.requestJson(), r.workflowId()).orElseThrow();
            if (!same) {
                throw new ConflictException("run '" + r.workflowId()
                        + "' is already registered with a different request");
            }
            return find(c, r.workflowId());
        });
    }

    /** The run with this workflow id, or {@link NotFoundException}. */
    public Run get(String workflowId) {
        return jdbc.read("reading run '" + workflowId + "'", c -> find(c, workflowId));
    }

    /**
     * The workflow id of the run whose registry key (the {@code runs.id} column) is {@code key}; empty when there is
     * none. Lets a user name a run by the number an SQL audit shows.
     */
    public Optional<String> workflowIdOf(long key) {
        return jdbc.read("reading run " + key, c ->
                first(c, "SELECT workflow_id FROM runs WHERE id = ?", rs -> rs.getString(1), key));
    }

    /** The workflow ids of the runs linked to dataset version {@code datasetId}, oldest first. */
    public List<String> usingDataset(String datasetId) {
        return jdbc.read("reading the runs of dataset '" + datasetId + "'", c -> Jdbc.list(c,
                "SELECT workflow_id FROM runs WHERE dataset_id = ? ORDER BY created_at, id", rs -> rs.getString(1),
                datasetId));
    }

    /**
     * Records which dataset content a run trained on. Linking the same dataset again is a no-op; the database
     * refuses to relink a run to another dataset.
     */
    public Run linkDataset(String workflowId, String datasetId) {
        return jdbc.tx("linking run '" + workflowId + "' to dataset '" + datasetId + "'", c -> {
            int n = update(c, "UPDATE runs SET dataset_id = ?, updated_at = now()"
                    + " WHERE workflow_id = ? AND dataset_id IS DISTINCT FROM ?", datasetId, workflowId, datasetId);
            if (n == 0) {
                Jdbc.runKey(c, workflowId);
            }
            return find(c, workflowId);
        });
    }

    /**
     * Moves a run to {@code status}. The first move past REGISTERED stamps {@code started_at}; a terminal status
     * stamps {@code ended_at}; repeating a move leaves the row untouched. {@code error} replaces the run's error
     * text (null clears it); FAILED needs one. A run that ended cannot move again: the database refuses it.
     */
    public Run updateStatus(String workflowId, RunStatus status, String error) {
        return jdbc.tx("setting run '" + workflowId + "' to " + status.sql(), c -> {
            int n = update(c, "UPDATE runs SET status = ?, error = ?,"
                            + " started_at = CASE WHEN ? THEN started_at ELSE coalesce(started_at, now()) END,"
                            + " ended_at = CASE WHEN ? THEN coalesce(ended_at, now()) ELSE NULL END,"
                            + " updated_at = now() WHERE workflow_id = ?"
                            + " AND (status <> ? OR error IS DISTINCT FROM ?)",
                    status, error, status == RunStatus.REGISTERED, status.terminal(), workflowId, status, error);
            if (n == 0) {
                Jdbc.runKey(c, workflowId); // unknown run, or a repeat that changes nothing
            }
            return find(c, workflowId);
        });
    }

    /** Every run that has not ended (registered, running or waiting), oldest first. */
    public List<Run> unended() {
        return jdbc.read("reading the runs that have not ended", c -> Jdbc.list(c, "SELECT " + Rows.RUN_COLUMNS
                        + " FROM runs r WHERE r.status IN (?, ?, ?) ORDER BY r.created_at, r.id", Rows::run,
                RunStatus.REGISTERED, RunStatus.RUNNING, RunStatus.WAITING));
    }

    /**
     * Ends a run that has not ended as {@link RunStatus#LOST} with {@code reason} (its workflow is gone from
     * Temporal, so nothing else will end it), closing its open attempts as lost ({@link
     * AttemptRepository#WORKFLOW_LOST}) in the same transaction. A run that ended meanwhile is left as it is:
     * empty then.
     */
    public Optional<Run> markLost(String workflowId, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a lost run needs the reason");
        }
        return jdbc.tx("marking run '" + workflowId + "' lost", c -> {
            long run = Jdbc.runKey(c, workflowId);
            int n = update(c, "UPDATE runs SET status = ?, error = ?, started_at = coalesce(started_at, now()),"
                            + " ended_at = now(), updated_at = now() WHERE id = ? AND status IN (?, ?, ?)",
                    RunStatus.LOST, reason, run, RunStatus.REGISTERED, RunStatus.RUNNING, RunStatus.WAITING);
            if (n == 0) {
                return Optional.<Run>empty();
            }
            AttemptRepository.closeOpen(c, run, AttemptRepository.WORKFLOW_LOST, "the run was marked lost ("
                    + reason + ") while this attempt was open; its worker ", " can no longer report", null);
            return Optional.of(find(c, workflowId));
        });
    }

    static Run find(Connection c, String workflowId) throws SQLException {
        return first(c, "SELECT " + Rows.RUN_COLUMNS + " FROM runs r WHERE r.workflow_id = ?", Rows::run,
                workflowId).orElseThrow(() -> new NotFoundException("run", workflowId));
    }
}
