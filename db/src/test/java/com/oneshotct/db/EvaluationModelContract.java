package com.oneshotct.db;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static com.oneshotct.db.Fixtures.CM;
import static com.oneshotct.db.Fixtures.checkpoint;
import static com.oneshotct.db.Fixtures.scores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluations (every section-9 metric, consistent with the matrix) and named model versions with aliases. */
abstract class EvaluationModelContract extends DbContract {

    private Checkpoint k100;
    private Checkpoint k200;

    @BeforeAll
    void checkpoints() {
        registry.runs().register(Fixtures.run("wf-eval", "resnext50", "cncb-demo"));
        k100 = registry.training().recordCheckpoint(checkpoint("wf-eval", 100, 1));
        k200 = registry.training().recordCheckpoint(checkpoint("wf-eval", 200, 1));
    }

    @Test
    void scoresRoundTripAndMatchTheHandComputedRates() {
        Evaluation e = registry.evaluations().record(k100.id(), scores("test", CM, 0.81, 0.79, 0.6, 0.5, 0.47, 0.4));
        EvaluationScores s = e.scores();
        // CM = [[5,1,0],[0,4,2],[1,0,7]]: 20 images, diagonal 5+4+7 = 16, accuracy 16/20 = 0.8
        assertEquals(0.8, s.accuracy(), 1e-12);
        assertEquals(20, s.imageCount());
        // sensitivity = diagonal / row sum: 5/6, 4/6, 7/8; precision = diagonal / column sum: 5/6, 4/5, 7/9
        assertEquals(new ClassRates(5.0 / 6, 4.0 / 6, 7.0 / 8), s.sensitivity());
        assertEquals(new ClassRates(5.0 / 6, 4.0 / 5, 7.0 / 9), s.precision());
        assertEquals(ConfusionMatrix.of(CM), s.confusionMatrix());
        assertEquals(List.of("ggo", "consolidation"), s.apLabels());
        assertEquals(scores("test", CM, 0.81, 0.79, 0.6, 0.5, 0.47, 0.4), s);
        assertEquals("wf-eval", e.workflowId());
        assertEquals(100, e.checkpointIteration());
        assertEquals(k100.objectKey(), e.checkpointKey());
        assertEquals(e, registry.evaluations().evaluation(e.id()));
    }

    @Test
    void retriedEvaluationLeavesOneRow() throws SQLException {
        EvaluationScores s = scores("val", CM, 0.7, 0.7, 0.5, 0.4, 0.3, 0.3);
        Evaluation first = registry.evaluations().record(k200.id(), s);
        assertEquals(first, registry.evaluations().record(k200.id(), s));
        assertEquals(1, count("evaluations WHERE split = 'val' AND checkpoint_id = " + k200.id()));
    }

    @Test
    void anEmptyClassHasNullRatesAndAFilledOneMayNot() {
        // nobody is truly CP and nothing is predicted CP: row 2 and column 2 are 0, so both CP rates are undefined
        int[][] noCp = {{3, 0, 1}, {0, 0, 0}, {0, 0, 4}};
        Evaluation e = registry.evaluations().record(k200.id(), scores("no-cp", noCp, 0.9, 0.6, 0.5, 0.4, 0.3, 0.2));
        assertNull(e.scores().sensitivity().cp());
        assertNull(e.scores().precision().cp());
        assertEquals(7.0 / 8, e.scores().accuracy(), 1e-12);

        EvaluationScores good = scores("no-cp-2", noCp, 0.9, 0.6, 0.5, 0.4, 0.3, 0.2);
        EvaluationScores invented = withSensitivity(good, new ClassRates(0.75, 0.5, 1.0));
        ConstraintViolationException ex = assertThrows(ConstraintViolationException.class,
                () -> registry.evaluations().record(k200.id(), invented));
        assertEquals("evaluations_sensitivity_cp_matches_matrix", ex.constraint());
    }

    @Test
    void scoresThatContradictTheirMatrixAreRefusedByName() {
        EvaluationScores good = scores("bad", CM, 0.81, 0.79, 0.6, 0.5, 0.47, 0.4);
        EvaluationScores wrongAccuracy = new EvaluationScores("bad", 20, good.apLabels(), good.confusionMatrix(),
                0.85, 0.81, 0.79, good.sensitivity(), good.precision(), 0.6, 0.5, 0.47, 0.4, 0.6, 0.3, 128, 0.75);
        assertEquals("evaluations_accuracy_matches_matrix", refused(wrongAccuracy).constraint());

        EvaluationScores wrongCount = new EvaluationScores("bad", 21, good.apLabels(), good.confusionMatrix(),
                16.0 / 21, 0.81, 0.79, good.sensitivity(), good.precision(), 0.6, 0.5, 0.47, 0.4, 0.6, 0.3, 128, 0.75);
        assertEquals("evaluations_confusion_matrix_counts_images", refused(wrongCount).constraint());

        int[][] negative = {{5, -1, 0}, {0, 4, 2}, {1, 0, 7}};
        EvaluationScores neg = scores("bad", negative, 0.8, 0.8, 0.6, 0.5, 0.4, 0.4);
        assertEquals("evaluations_confusion_matrix_is_3x3", refused(neg).constraint());

        EvaluationScores apAboveOne = new EvaluationScores("bad", 20, good.apLabels(), good.confusionMatrix(),
                0.8, 0.81, 0.79, good.sensitivity(), good.precision(), 1.5, 0.5, 0.47, 0.4, 0.6, 0.3, 128, 0.75);
        assertEquals("evaluations_rates_in_unit_interval", refused(apAboveOne).constraint());

        EvaluationScores unknownLabel = new EvaluationScores("bad", 20, List.of("ggo", "tumour"),
                good.confusionMatrix(), 0.8, 0.81, 0.79, good.sensitivity(), good.precision(), 0.6, 0.5, 0.47,
                0.4, 0.6, 0.3, 128, 0.75);
        assertEquals("evaluations_ap_labels_known", refused(unknownLabel).constraint());

        EvaluationScores noCap = new EvaluationScores("bad", 20, good.apLabels(), good.confusionMatrix(), 0.8,
                0.81, 0.79, good.sensitivity(), good.precision(), 0.6, 0.5, 0.47, 0.4, 0.6, 0.3, 0, 0.75);
        assertEquals("evaluations_ap_max_detections_positive", refused(noCap).constraint());
        EvaluationScores certain = new EvaluationScores("bad", 20, good.apLabels(), good.confusionMatrix(), 0.8,
                0.81, 0.79, good.sensitivity(), good.precision(), 0.6, 0.5, 0.47, 0.4, 0.6, 0.3, 128, 1.0);
        assertEquals("evaluations_ap_score_threshold_range", refused(certain).constraint());

        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new int[][] {{1, 2}, {3, 4}}));
        assertThrows(NotFoundException.class, () -> registry.evaluations().record(55_555L, good));
        assertThrows(NotFoundException.class, () -> registry.evaluations().evaluations("ghost"));
    }

    @Test
    void modelVersionsNumberOnceAndAnAliasNamesOneVersion() throws SQLException {
        ModelVersionRepository models = registry.models();
        String name = "one-shot 'ct' \"model\"; DROP TABLE model_versions; --";
        ModelVersion v1 = models.register(name, k100.id());
        assertEquals(1, v1.version());
        assertEquals(v1, models.register(name, k100.id()), "a retried registration keeps its version");
        ModelVersion v2 = models.register(name, k200.id());
        assertEquals(2, v2.version());
        assertEquals(2, count("model_versions"));

        assertEquals("champion", models.setAlias(name, 1, "champion").alias());
        ModelVersion moved = models.promote(name, k200.id(), "champion");
        assertEquals(2, moved.version());
        assertEquals(moved, models.byAlias(name, "champion"));
        assertNull(models.version(name, 1).alias(), "the alias left version 1");
        assertEquals(List.of(1, 2), models.versions(name).stream().map(ModelVersion::version).toList());
        assertEquals(name, models.versions(name).get(0).name());
        assertEquals("wf-eval", moved.workflowId());
        assertEquals(200, moved.iteration());

        // a version may carry several aliases; moving one leaves the others where they are
        assertEquals("champion,latest", models.setAlias(name, 2, "latest").alias());
        assertTrue(models.byAlias(name, "latest").hasAlias("champion"));
        assertEquals("best", models.setAlias(name, 1, "best").alias());
        assertEquals("best,latest", models.setAlias(name, 1, "latest").alias());
        assertEquals("champion", models.version(name, 2).alias());
        assertEquals(1, models.byAlias(name, "latest").version());

        ConstraintViolationException alias = assertThrows(ConstraintViolationException.class,
                () -> models.setAlias(name, 1, "Not An Alias!"));
        assertEquals("model_aliases_alias_format", alias.constraint());
        assertEquals("model alias 'nobody@champion' not found",
                assertThrows(NotFoundException.class, () -> models.byAlias("nobody", "champion")).getMessage());
        assertThrows(NotFoundException.class, () -> models.setAlias(name, 9, "champion"));
        assertThrows(NotFoundException.class, () -> models.versions("nobody"));
        assertThrows(NotFoundException.class, () -> models.register(name, 77_777L));
    }

    private ConstraintViolationException refused(EvaluationScores s) {
        return assertThrows(ConstraintViolationException.class, () -> registry.evaluations().record(k100.id(), s));
    }

    private static EvaluationScores withSensitivity(EvaluationScores s, ClassRates sensitivity) {
        return new EvaluationScores(s.split(), s.imageCount(), s.apLabels(), s.confusionMatrix(), s.accuracy(),
                s.weightedF1(), s.macroF1(), sensitivity, s.precision(), s.ap50(), s.ap75(), s.map(), s.cocoAp(),
                s.cocoAp50(), s.cocoAp75(), s.apMaxDetections(), s.apScoreThreshold());
    }
}
