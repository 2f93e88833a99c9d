package com.oneshotct.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static com.oneshotct.db.Jdbc.instant;
import static com.oneshotct.db.Jdbc.nullableDouble;

/** Row mappers and the column lists they expect, shared by the repositories and the audit queries. */
final class Rows {

    static final ObjectMapper JSON = new ObjectMapper();

    private Rows() {
    }

    static final String DATASET_COLUMNS =
            "d.id, d.name, d.object_prefix, d.file_count, d.total_bytes, d.split_sizes::text AS split_sizes,"
                    + " d.first_seen";

    static Dataset dataset(ResultSet rs) throws SQLException {
        Map<String, Integer> splits;
        try {
            splits = JSON.readValue(rs.getString("split_sizes"), new TypeReference<Map<String, Integer>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("datasets.split_sizes is not a map of split name to count", e);
        }
        return new Dataset(rs.getString("id"), rs.getString("name"), rs.getString("object_prefix"),
                rs.getInt("file_count"), rs.getLong("total_bytes"), splits, instant(rs, "first_seen"));
    }

    static final String RUN_COLUMNS =
            "r.workflow_id, r.temporal_run_id, r.request::text AS request, r.config_hash, r.code_version,"
                    + " r.backbone, r.dataset_name, r.dataset_id, r.status, r.created_at, r.started_at,"
                    + " r.ended_at, r.updated_at, r.error";

    static Run run(ResultSet rs) throws SQLException {
        return new Run(rs.getString("workflow_id"), rs.getString("temporal_run_id"), rs.getString("request"),
                rs.getString("config_hash"), rs.getString("code_version"), rs.getString("backbone"),
                rs.getString("dataset_name"), rs.getString("dataset_id"),
                RunStatus.of(rs.getString("status")), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "ended_at"), instant(rs, "updated_at"), rs.getString("error"));
    }

    static final String ATTEMPT_COLUMNS =
            "r.workflow_id, a.stage, a.attempt, a.worker_identity, a.task_queue, a.started_at, a.ended_at,"
                    + " a.outcome, a.error_class, a.error_message, a.note";

    static StageAttempt attempt(ResultSet rs) throws SQLException {
        String outcome = rs.getString("outcome");
        return new StageAttempt(rs.getString("workflow_id"), Stage.of(rs.getString("stage")), rs.getInt("attempt"),
                rs.getString("worker_identity"), rs.getString("task_queue"), instant(rs, "started_at"),
                instant(rs, "ended_at"), outcome == null ? null : Outcome.of(outcome),
                rs.getString("error_class"), rs.getString("error_message"), rs.getString("note"));
    }

    static MetricPoint metric(ResultSet rs) throws SQLException {
        return new MetricPoint(rs.getInt("iteration"), rs.getInt("epoch"), rs.getString("loss_name"),
                rs.getDouble("value"));
    }

    static final String CHECKPOINT_COLUMNS =
            "c.id, r.workflow_id, c.iteration, c.attempt, c.object_key, c.sha256, c.bytes, c.created_at";

    static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        return new Checkpoint(rs.getLong("id"), rs.getString("workflow_id"), rs.getInt("iteration"),
                rs.getInt("attempt"), rs.getString("object_key"), rs.getString("sha256"), rs.getLong("bytes"),
                instant(rs, "created_at"));
    }

    static final String EVALUATION_COLUMNS =
            "e.id, r.workflow_id, e.checkpoint_id, c.iteration AS checkpoint_iteration,"
                    + " c.object_key AS checkpoint_key, e.created_at, e.split, e.image_count, e.ap_labels,"
                    + " e.confusion_matrix, e.accuracy, e.weighted_f1, e.macro_f1,"
                    + " e.sensitivity_normal, e.sensitivity_cp, e.sensitivity_covid,"
                    + " e.precision_normal, e.precision_cp, e.precision_covid,"
                    + " e.ap50, e.ap75, e.map, e.coco_ap, e.coco_ap50, e.coco_ap75, e.ap_max_detections,"
                    + " e.ap_score_threshold, e.images_from";

    static Evaluation evaluation(ResultSet rs) throws SQLException {
        EvaluationScores scores = new EvaluationScores(rs.getString("split"), rs.getInt("image_count"),
                textArray(rs.getArray("ap_labels")), matrix(rs.getArray("confusion_matrix")),
                rs.getDouble("accuracy"), rs.getDouble("weighted_f1"), rs.getDouble("macro_f1"),
                new ClassRates(nullableDouble(rs, "sensitivity_normal"), nullableDouble(rs, "sensitivity_cp"),
                        nullableDouble(rs, "sensitivity_covid")),
                new ClassRates(nullableDouble(rs, "precision_normal"), nullableDouble(rs, "precision_cp"),
                        nullableDouble(rs, "precision_covid")),
                rs.getDouble("ap50"), rs.getDouble("ap75"), rs.getDouble("map"),
                rs.getDouble("coco_ap"), rs.getDouble("coco_ap50"), rs.getDouble("coco_ap75"),
                rs.getInt("ap_max_detections"), rs.getDouble("ap_score_threshold"));
        return new Evaluation(rs.getLong("id"), rs.getString("workflow_id"), rs.getLong("checkpoint_id"),
                rs.getInt("checkpoint_iteration"), rs.getString("checkpoint_key"), instant(rs, "created_at"),
                scores, rs.getString("images_from"));
    }

    static final String MODEL_VERSION_COLUMNS =
            "m.name, m.version, m.checkpoint_id, r.workflow_id, c.iteration, c.object_key,"
                    + " (SELECT string_agg(ma.alias, ',' ORDER BY ma.alias) FROM model_aliases ma"
                    + " WHERE ma.name = m.name AND ma.version = m.version) AS alias, m.created_at";

    static ModelVersion modelVersion(ResultSet rs) throws SQLException {
        return new ModelVersion(rs.getString("name"), rs.getInt("version"), rs.getLong("checkpoint_id"),
                rs.getString("workflow_id"), rs.getInt("iteration"), rs.getString("object_key"),
                rs.getString("alias"), instant(rs, "created_at"));
    }

    static final String SWEEP_COLUMNS =
            "s.workflow_id, s.temporal_run_id, s.input::text AS input, s.metric, s.split, s.max_concurrent, s.status,"
                    + " s.created_at, s.ended_at,"
                    + " (SELECT count(*) FROM sweep_children sc WHERE sc.sweep_id = s.id) AS points";

    static Sweep sweep(ResultSet rs) throws SQLException {
        return new Sweep(rs.getString("workflow_id"), rs.getString("temporal_run_id"), rs.getString("input"),
                rs.getString("metric"), rs.getString("split"), rs.getInt("max_concurrent"),
                SweepStatus.of(rs.getString("status")), instant(rs, "created_at"), instant(rs, "ended_at"),
                rs.getInt("points"));
    }

    static final String SWEEP_SUMMARY_COLUMNS =
            "ss.sweep_id, ss.k, ss.workflow_id, ss.point::text AS point, ss.status, ss.metric, ss.best_val, ss.split,"
                    + " ss.split_value, ss.accuracy, ss.weighted_f1, ss.macro_f1, ss.ap50, ss.map, ss.coco_ap,"
                    + " ss.eval_iteration, ss.rank, ss.sweep_status, ss.error";

    static SweepChildSummary sweepChild(ResultSet rs) throws SQLException {
        return new SweepChildSummary(rs.getString("sweep_id"), rs.getInt("k"), rs.getString("workflow_id"),
                rs.getString("point"), rs.getString("status"), rs.getString("metric"),
                nullableDouble(rs, "best_val"), rs.getString("split"), nullableDouble(rs, "split_value"),
                nullableDouble(rs, "accuracy"), nullableDouble(rs, "weighted_f1"), nullableDouble(rs, "macro_f1"),
                nullableDouble(rs, "ap50"), nullableDouble(rs, "map"), nullableDouble(rs, "coco_ap"),
                Jdbc.nullableInt(rs, "eval_iteration"), Jdbc.nullableInt(rs, "rank"),
                SweepStatus.of(rs.getString("sweep_status")), rs.getString("error"));
    }

    private static List<String> textArray(Array a) throws SQLException {
        return Arrays.asList((String[]) a.getArray());
    }

    private static ConfusionMatrix matrix(Array a) throws SQLException {
        Integer[][] boxed = (Integer[][]) a.getArray();
        int[][] counts = new int[boxed.length][];
        for (int i = 0; i < boxed.length; i++) {
            counts[i] = Arrays.stream(boxed[i]).mapToInt(Integer::intValue).toArray();
        }
        return ConfusionMatrix.of(counts);
    }
}
