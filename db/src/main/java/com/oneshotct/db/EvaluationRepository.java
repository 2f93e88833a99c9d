package com.oneshotct.db;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static com.oneshotct.db.Jdbc.first;
import static com.oneshotct.db.Jdbc.update;

/** Evaluations: the metrics of model-spec section 9 for one checkpoint on one split. */
public final class EvaluationRepository {

    private static final String FROM = " FROM evaluations e JOIN checkpoints c ON c.id = e.checkpoint_id"
            + " JOIN runs r ON r.id = e.run_id";

    private final Jdbc jdbc;

    public EvaluationRepository(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Records the scores of a checkpoint on a split. A retried write (same checkpoint and split) leaves the first
     * row and returns it. The database refuses scores that contradict their own confusion matrix.
     */
    public Evaluation record(long checkpointId, EvaluationScores s) {
        return record(checkpointId, s, null);
    }

    /** As {@link #record(long, EvaluationScores)}, saying which images were scored when not the whole split. */
    public Evaluation record(long checkpointId, EvaluationScores s, String imagesFrom) {
        return jdbc.tx("recording evaluation of checkpoint " + checkpointId + " on split '" + s.split() + "'", c -> {
            Checkpoint k = TrainingRepository.find(c, checkpointId);
            Array labels = c.createArrayOf("text", s.apLabels().toArray());
            Array matrix = c.createArrayOf("integer", s.confusionMatrix().boxed());
            update(c, "INSERT INTO evaluations (run_id, checkpoint_id, split, image_count, ap_labels,"
                            + " confusion_matrix, accuracy, weighted_f1, macro_f1,"
                            + " sensitivity_normal, sensitivity_cp, sensitivity_covid,"
                            + " precision_normal, precision_cp, precision_covid,"
                            + " ap50, ap75, map, coco_ap, coco_ap50, coco_ap75, ap_max_detections, ap_score_threshold,"
                            + " images_from)"
                            + " SELECT run_id, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                            + " FROM checkpoints WHERE id = ? ON CONFLICT (checkpoint_id, split) DO NOTHING",
                    s.split(), s.imageCount(), labels, matrix, s.accuracy(), s.weightedF1(), s.macroF1(),
                    s.sensitivity().normal(), s.sensitivity().cp(), s.sensitivity().covid(),
                    s.precision().normal(), s.precision().cp(), s.precision().covid(),
                    s.ap50(), s.ap75(), s.map(), s.cocoAp(), s.cocoAp50(), s.cocoAp75(), s.apMaxDetections(),
                    s.apScoreThreshold(), imagesFrom, k.id());
            return first(c, "SELECT " + Rows.EVALUATION_COLUMNS + FROM + " WHERE e.checkpoint_id = ? AND e.split = ?",
                    Rows::evaluation, checkpointId, s.split()).orElseThrow();
        });
    }

    /** Every evaluation of a run, by checkpoint iteration then split. */
    public List<Evaluation> evaluations(String workflowId) {
        return jdbc.read("reading evaluations of run '" + workflowId + "'", c -> list(c, workflowId));
    }

    public Evaluation evaluation(long id) {
        return jdbc.read("reading evaluation " + id, c -> find(c, id));
    }

    static Evaluation find(Connection c, long id) throws SQLException {
        return first(c, "SELECT " + Rows.EVALUATION_COLUMNS + FROM + " WHERE e.id = ?", Rows::evaluation, id)
                .orElseThrow(() -> new NotFoundException("evaluation", id));
    }

    static List<Evaluation> list(Connection c, String workflowId) throws SQLException {
        long run = Jdbc.runKey(c, workflowId);
        return Jdbc.list(c, "SELECT " + Rows.EVALUATION_COLUMNS + FROM + " WHERE e.run_id = ?"
                + " ORDER BY c.iteration, c.attempt, e.split", Rows::evaluation, run);
    }
}
