package com.oneshotct.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import static com.oneshotct.db.Jdbc.first;
import static com.oneshotct.db.Jdbc.instant;
import static com.oneshotct.db.Jdbc.nullableDouble;
import static com.oneshotct.db.Jdbc.nullableInt;

/** The questions an auditor asks: which runs, what happened in one, how runs differ, which is best. */
public final class AuditQueries {

    private static final String SUMMARY_COLUMNS = "s.workflow_id, s.status, s.backbone, s.dataset_name,"
            + " s.dataset_id, s.code_version, s.config_hash, s.created_at, s.started_at, s.ended_at, s.duration_s,"
            + " s.error, s.current_stage, s.attempts, s.failed_attempts, s.last_iteration, s.last_epoch,"
            + " s.checkpoints, s.latest_checkpoint_iteration, s.latest_checkpoint_key, s.evaluations,"
            + " s.best_accuracy, s.best_weighted_f1, s.best_macro_f1, s.best_map, s.best_coco_ap, s.lost_attempts,"
            + " s.validations, s.best_val_weighted_f1, s.best_val_map";

    private final Jdbc jdbc;

    public AuditQueries(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** Runs matching {@code filter}, newest first. */
    public List<RunSummary> listRuns(RunFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM run_summary s WHERE true");
        List<Object> params = new ArrayList<>();
        filter.appendConditions(sql, "s", params);
        sql.append(" ORDER BY s.created_at DESC, s.workflow_id");
        if (filter.limit() > 0) {
            sql.append(" LIMIT ?");
            params.add(filter.limit());
        }
        return jdbc.read("listing runs", c -> Jdbc.list(c, sql.toString(), AuditQueries::summary, params.toArray()));
    }

    /** Everything about one run, as of one moment; an unknown id is a {@link NotFoundException}. */
    public RunDetail show(String workflowId) {
        return jdbc.tx("reading run '" + workflowId + "'", c -> {
            snapshot(c);
            return detail(c, workflowId);
        });
    }

    /**
     * Runs side by side, as of one moment: a row per property (status, request parameters, progress, final
     * losses, latest evaluation per split), a column per run. Needs two or more distinct ids, all known.
     */
    public RunComparison compare(List<String> workflowIds) {
        if (workflowIds.size() < 2) {
            throw new IllegalArgumentException("compare needs at least two run ids, got " + workflowIds.size());
        }
        if (new HashSet<>(workflowIds).size() != workflowIds.size()) {
            throw new IllegalArgumentException("compare got the same run id twice: " + workflowIds);
        }
        return jdbc.tx("comparing runs " + workflowIds, c -> {
            snapshot(c);
            List<RunDetail> details = new ArrayList<>();
            for (String id : workflowIds) {
                details.add(detail(c, id));
            }
            return RunComparison.of(details);
        });
    }

    /**
     * The run with the highest {@code metric} over its evaluations on {@code split} (any split when null) among
     * runs matching {@code filter}; ties go to the earliest evaluation. Empty when no evaluation qualifies.
     */
    public Optional<BestRun> best(Metric metric, String split, RunFilter filter) {
        String column = "e." + metric.sql(); // from the enum, never from the caller's text
        StringBuilder sql = new StringBuilder("SELECT e.id, r.workflow_id, " + column + " AS value"
                + " FROM evaluations e JOIN runs r ON r.id = e.run_id WHERE " + column + " IS NOT NULL");
        List<Object> params = new ArrayList<>();
        if (split != null) {
            sql.append(" AND e.split = ?");
            params.add(split);
        }
        filter.appendConditions(sql, "r", params);
        sql.append(" ORDER BY ").append(column).append(" DESC, e.created_at, e.id LIMIT 1");
        return jdbc.tx("finding the best run by " + metric.sql(), c -> {
            snapshot(c);
            Optional<Top> top = first(c, sql.toString(),
                    rs -> new Top(rs.getLong("id"), rs.getString("workflow_id"), rs.getDouble("value")),
                    params.toArray());
            if (top.isEmpty()) {
                return Optional.empty();
            }
            Top t = top.get();
            return Optional.of(new BestRun(metric, t.value(), summary(c, t.workflowId()),
                    EvaluationRepository.find(c, t.evaluationId())));
        });
    }

    private record Top(long evaluationId, String workflowId, double value) {
    }

    private static void snapshot(Connection c) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
    }

    private static RunDetail detail(Connection c, String workflowId) throws SQLException {
        Run run = RunRepository.find(c, workflowId);
        long key = Jdbc.runKey(c, workflowId);
        Optional<Dataset> dataset = run.datasetId() == null ? Optional.empty()
                : first(c, "SELECT " + Rows.DATASET_COLUMNS + " FROM datasets d WHERE d.id = ?", Rows::dataset,
                run.datasetId());
        return new RunDetail(summary(c, workflowId), run, dataset, AttemptRepository.list(c, workflowId),
                TrainingRepository.curve(c, workflowId), TrainingRepository.checkpoints(c, workflowId),
                TrainingRepository.latest(c, workflowId), EvaluationRepository.list(c, workflowId),
                ModelVersionRepository.forRun(c, key));
    }

    private static RunSummary summary(Connection c, String workflowId) throws SQLException {
        return first(c, "SELECT " + SUMMARY_COLUMNS + " FROM run_summary s WHERE s.workflow_id = ?",
                AuditQueries::summary, workflowId).orElseThrow(() -> new NotFoundException("run", workflowId));
    }

    private static RunSummary summary(ResultSet rs) throws SQLException {
        String stage = rs.getString("current_stage");
        return new RunSummary(rs.getString("workflow_id"), RunStatus.of(rs.getString("status")),
                rs.getString("backbone"), rs.getString("dataset_name"), rs.getString("dataset_id"),
                rs.getString("code_version"), rs.getString("config_hash"), instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "ended_at"), nullableDouble(rs, "duration_s"),
                rs.getString("error"), stage == null ? null : Stage.of(stage), rs.getInt("attempts"),
                rs.getInt("failed_attempts"), nullableInt(rs, "last_iteration"), nullableInt(rs, "last_epoch"),
                rs.getInt("checkpoints"), nullableInt(rs, "latest_checkpoint_iteration"),
                rs.getString("latest_checkpoint_key"), rs.getInt("evaluations"),
                nullableDouble(rs, "best_accuracy"), nullableDouble(rs, "best_weighted_f1"),
                nullableDouble(rs, "best_macro_f1"), nullableDouble(rs, "best_map"),
                nullableDouble(rs, "best_coco_ap"), rs.getInt("lost_attempts"), rs.getInt("validations"),
                nullableDouble(rs, "best_val_weighted_f1"), nullableDouble(rs, "best_val_map"));
    }
}
