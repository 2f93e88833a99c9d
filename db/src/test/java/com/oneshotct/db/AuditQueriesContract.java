package com.oneshotct.db;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.oneshotct.db.Fixtures.CM;
import static com.oneshotct.db.Fixtures.checkpoint;
import static com.oneshotct.db.Fixtures.scores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audit queries over four runs: alpha (resnext50, succeeded, a retried fetch, champion), beta (resnet50,
 * succeeded), then, after {@link #mark}, gamma (failed twice in training, then lost its worker) and delta (still
 * training).
 */
abstract class AuditQueriesContract extends DbContract {

    /** A moment on the database's clock between the registrations of beta and gamma. */
    private Instant mark;
    private Dataset cncbA;
    /** Recent, so the "last 7 days" example query of docs/pipeline.md finds these attempts. */
    private final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);

    private Instant at(long seconds) {
        return base.plusSeconds(seconds);
    }

    @BeforeAll
    void scenario() throws SQLException {
        RunRepository runs = registry.runs();
        AttemptRepository attempts = registry.attempts();
        TrainingRepository training = registry.training();
        cncbA = runs.registerDataset(Fixtures.dataset("cncb-a"));

        runs.register(Fixtures.run("wf-alpha", "resnext50", "cncb-a"));
        runs.linkDataset("wf-alpha", cncbA.id());
        runs.updateStatus("wf-alpha", RunStatus.RUNNING, null);
        attempts.start(new AttemptStart("wf-alpha", Stage.REGISTER, 1, "cpu-1", "oneshot-cpu", at(0)));
        attempts.finish("wf-alpha", Stage.REGISTER, 1, AttemptEnd.succeeded(at(1)));
        attempts.start(new AttemptStart("wf-alpha", Stage.FETCH_DATASET, 1, "cpu-1", "oneshot-cpu", at(2)));
        attempts.finish("wf-alpha", Stage.FETCH_DATASET, 1,
                AttemptEnd.failed(at(3), "java.net.SocketException", "connection reset"));
        attempts.start(new AttemptStart("wf-alpha", Stage.FETCH_DATASET, 2, "cpu-2", "oneshot-cpu", at(10)));
        attempts.finish("wf-alpha", Stage.FETCH_DATASET, 2, AttemptEnd.succeeded(at(20)));
        attempts.start(new AttemptStart("wf-alpha", Stage.TRAIN, 1, "gpu-1", "oneshot-gpu", at(21)));
        for (int it = 0; it <= 20; it += 10) {
            training.recordMetrics("wf-alpha", List.of(new MetricPoint(it, it / 10, "loss_total", 2.0 - it / 20.0),
                    new MetricPoint(it, it / 10, "loss_mask", 1.0 - it / 40.0)));
        }
        training.recordAndAdvance(checkpoint("wf-alpha", 10, 1));
        Checkpoint a20 = training.recordAndAdvance(checkpoint("wf-alpha", 20, 1)).offered();
        attempts.finish("wf-alpha", Stage.TRAIN, 1, AttemptEnd.succeeded(at(100)));
        attempts.start(new AttemptStart("wf-alpha", Stage.EVALUATE, 1, "cpu-1", "oneshot-cpu", at(101)));
        registry.evaluations().record(a20.id(), scores("test", CM, 0.81, 0.79, 0.6, 0.5, 0.47, 0.4));
        attempts.finish("wf-alpha", Stage.EVALUATE, 1, AttemptEnd.succeeded(at(110)));
        registry.models().promote("oneshot-ct", a20.id(), "champion");
        runs.updateStatus("wf-alpha", RunStatus.SUCCEEDED, null);

        runs.register(Fixtures.run("wf-beta", "resnet50", "cncb-a"));
        runs.linkDataset("wf-beta", cncbA.id());
        runs.updateStatus("wf-beta", RunStatus.RUNNING, null);
        Checkpoint b10 = training.recordAndAdvance(checkpoint("wf-beta", 10, 1)).offered();
        // 18 of 20 right: accuracy 0.9, better than alpha's 0.8; its mAP 0.40 is worse than alpha's 0.47
        int[][] betaCm = {{6, 0, 0}, {0, 5, 1}, {0, 1, 7}};
        registry.evaluations().record(b10.id(), scores("test", betaCm, 0.9, 0.88, 0.55, 0.45, 0.40, 0.35));
        runs.updateStatus("wf-beta", RunStatus.SUCCEEDED, null);

        mark = dbNow();

        runs.register(Fixtures.run("wf-gamma", "resnext50", "cncb-b"));
        runs.updateStatus("wf-gamma", RunStatus.RUNNING, null);
        for (int a = 1; a <= 2; a++) {
            attempts.start(new AttemptStart("wf-gamma", Stage.TRAIN, a, "gpu-" + a, "oneshot-gpu", at(200 + a)));
            attempts.finish("wf-gamma", Stage.TRAIN, a,
                    AttemptEnd.failed(at(250 + a), "ai.djl.engine.EngineException", "CUDA out of memory"));
        }
        // a third attempt whose worker was killed: nothing closed it before the run ended
        attempts.start(new AttemptStart("wf-gamma", Stage.TRAIN, 3, "gpu-3", "oneshot-gpu", at(260)));
        runs.updateStatus("wf-gamma", RunStatus.FAILED, "train exhausted its retries");
        attempts.closeOpen("wf-gamma", null);

        runs.register(Fixtures.run("wf-delta", "resnext50", "cncb-b"));
        runs.updateStatus("wf-delta", RunStatus.RUNNING, null);
        attempts.start(new AttemptStart("wf-delta", Stage.TRAIN, 1, "gpu-3", "oneshot-gpu", at(300)));
    }

    @Test
    void listFiltersByStatusDatasetBackboneAndDateRange() {
        AuditQueries q = registry.audit();
        assertEquals(List.of("wf-delta", "wf-gamma", "wf-beta", "wf-alpha"), ids(q.listRuns(RunFilter.ALL)));
        assertEquals(List.of("wf-beta", "wf-alpha"), ids(q.listRuns(RunFilter.ALL.withStatus(RunStatus.SUCCEEDED))));
        assertEquals(List.of("wf-beta", "wf-alpha"), ids(q.listRuns(RunFilter.ALL.withDataset("cncb-a"))));
        assertEquals(List.of("wf-beta", "wf-alpha"), ids(q.listRuns(RunFilter.ALL.withDataset(cncbA.id()))));
        assertEquals(List.of("wf-beta"), ids(q.listRuns(RunFilter.ALL.withBackbone("resnet50"))));
        assertEquals(List.of("wf-delta", "wf-gamma"), ids(q.listRuns(RunFilter.ALL.between(mark, null))));
        assertEquals(List.of("wf-beta", "wf-alpha"), ids(q.listRuns(RunFilter.ALL.between(null, mark))));
        assertEquals(List.of("wf-gamma"), ids(q.listRuns(RunFilter.ALL.withBackbone("resnext50")
                .withStatus(RunStatus.FAILED).withDataset("cncb-b"))));
        assertEquals(List.of("wf-delta"), ids(q.listRuns(RunFilter.ALL.withLimit(1))));
        assertEquals(List.of(), ids(q.listRuns(RunFilter.ALL.withDataset("x' OR '1'='1"))));
    }

    @Test
    void summaryCountsWhatHappened() {
        RunSummary alpha = registry.audit().listRuns(RunFilter.ALL.withBackbone("resnext50")
                .withStatus(RunStatus.SUCCEEDED)).get(0);
        assertEquals("wf-alpha", alpha.workflowId());
        assertEquals(5, alpha.attempts());
        assertEquals(1, alpha.failedAttempts());
        assertEquals(Stage.EVALUATE, alpha.currentStage());
        assertEquals(20, alpha.lastIteration());
        assertEquals(2, alpha.lastEpoch());
        assertEquals(2, alpha.checkpoints());
        assertEquals(20, alpha.latestCheckpointIteration());
        assertEquals(1, alpha.evaluations());
        assertEquals(0.81, alpha.bestWeightedF1(), 1e-12);
        assertEquals(0.8, alpha.bestAccuracy(), 1e-12);
        assertTrue(alpha.durationSeconds() >= 0);
        assertEquals(cncbA.id(), alpha.datasetId());
    }

    @Test
    void showGathersStagesCurveCheckpointsEvaluationsAndVersions() {
        RunDetail d = registry.audit().show("wf-alpha");
        assertEquals(List.of(Stage.REGISTER, Stage.FETCH_DATASET, Stage.TRAIN, Stage.EVALUATE),
                List.copyOf(d.stages().keySet()));
        List<StageAttempt> fetch = d.stages().get(Stage.FETCH_DATASET);
        assertEquals(2, fetch.size());
        assertEquals(Outcome.FAILED, fetch.get(0).outcome());
        assertEquals("connection reset", fetch.get(0).errorMessage());
        assertEquals("cpu-2", fetch.get(1).workerIdentity());
        assertEquals(6, d.curve().size());
        assertEquals(new MetricPoint(20, 2, "loss_total", 1.0), d.curve().get(5));
        assertEquals(List.of(10, 20), d.checkpoints().stream().map(Checkpoint::iteration).toList());
        assertEquals(20, d.latest().orElseThrow().iteration());
        assertEquals(1, d.evaluations().size());
        assertEquals("champion", d.modelVersions().get(0).alias());
        assertEquals("cncb-a", d.dataset().orElseThrow().name());
        assertEquals(RunStatus.SUCCEEDED, d.run().status());

        RunDetail delta = registry.audit().show("wf-delta");
        assertTrue(delta.latest().isEmpty());
        assertTrue(delta.dataset().isEmpty());
        assertTrue(delta.attempts().get(0).running());
        assertEquals("run 'nope' not found",
                assertThrows(NotFoundException.class, () -> registry.audit().show("nope")).getMessage());
    }

    @Test
    void compareLinesRunsUpAndMarksDifferences() {
        RunComparison c = registry.audit().compare(List.of("wf-alpha", "wf-beta"));
        assertEquals(List.of("wf-alpha", "wf-beta"), c.workflowIds());
        assertEquals(Arrays.asList("resnext50", "resnet50"), c.row("backbone").values());
        assertTrue(c.row("backbone").differs());
        assertFalse(c.row("dataset").differs());
        assertFalse(c.row("request.solver.lr").differs());
        assertEquals(0.01, ((Number) c.row("request.solver.lr").values().get(0)).doubleValue());
        assertEquals(Arrays.asList(1.0, null), c.row("loss.loss_total").values());
        assertEquals(Arrays.asList(0.8, 0.9), c.row("eval.test.accuracy").values());
        assertEquals(Arrays.asList(20, 10), c.row("eval.test.checkpoint_iteration").values());
        assertTrue(c.row("eval.test.map").differs());
        assertEquals(Arrays.asList(128, 128), c.row("eval.test.ap_max_detections").values());
        assertFalse(c.row("eval.test.ap_score_threshold").differs(), "the AP figures compare: one protocol");
        assertEquals(Arrays.asList(1, 0), c.row("failed_attempts").values());

        assertEquals("run 'nope' not found", assertThrows(NotFoundException.class,
                () -> registry.audit().compare(List.of("wf-alpha", "nope"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.audit().compare(List.of("wf-alpha")));
        assertThrows(IllegalArgumentException.class,
                () -> registry.audit().compare(List.of("wf-alpha", "wf-alpha")));
    }

    @Test
    void bestRunByAMetric() {
        AuditQueries q = registry.audit();
        BestRun byF1 = q.best(Metric.WEIGHTED_F1, "test", RunFilter.ALL).orElseThrow();
        assertEquals("wf-beta", byF1.run().workflowId());
        assertEquals(0.9, byF1.value(), 1e-12);
        assertEquals(10, byF1.evaluation().checkpointIteration());
        BestRun byMap = q.best(Metric.MAP, null, RunFilter.ALL).orElseThrow();
        assertEquals("wf-alpha", byMap.run().workflowId());
        assertEquals(0.47, byMap.value(), 1e-12);
        assertEquals("wf-alpha", q.best(Metric.WEIGHTED_F1, "test", RunFilter.ALL.withBackbone("resnext50"))
                .orElseThrow().run().workflowId());
        assertTrue(q.best(Metric.ACCURACY, "no-such-split", RunFilter.ALL).isEmpty());
        assertEquals(Metric.COCO_AP50, Metric.of("coco-ap50"));
        assertThrows(IllegalArgumentException.class, () -> Metric.of("loss; DROP TABLE runs"));
    }

    @Test
    void stageHistoryViewMarksTheLastAttempt() throws SQLException {
        List<String> rows = query("SELECT stage, attempt, outcome, is_last_attempt, stage_order FROM stage_history"
                + " WHERE workflow_id = 'wf-gamma' ORDER BY attempt");
        assertEquals(List.of("train|1|failed|f|3", "train|2|failed|f|3", "train|3|lost|t|3"), rows);
        assertEquals(List.of("train|running"), query("SELECT stage, outcome FROM stage_history"
                + " WHERE workflow_id = 'wf-delta'"));
    }

    @Test
    void theExampleQueriesOfThePipelineDocRunAndAnswer() throws SQLException, IOException {
        String page = Files.readString(Path.of("../docs/pipeline.md"));
        int start = page.indexOf("## Auditing runs in SQL");
        assertTrue(start >= 0, "docs/pipeline.md has its 'Auditing runs in SQL' section");
        int end = page.indexOf("\n## ", start + 1);
        String doc = page.substring(start, end < 0 ? page.length() : end);
        Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> queries = new ArrayList<>();
        while (m.find()) {
            queries.add(m.group(1).trim().replaceAll(";$", ""));
        }
        assertEquals(2, queries.size());
        List<String> failures = query(queries.get(0));
        assertEquals(Set.of("wf-alpha", "wf-gamma"), Set.copyOf(failures.stream().map(r -> r.split("\\|")[0])
                .toList()));
        assertEquals(4, failures.size(), "alpha's first fetch, gamma's two failed and one lost training attempts");
        List<String> best = query(queries.get(1));
        assertEquals(2, best.size());
        assertTrue(best.get(0).startsWith("resnet50|wf-beta|"), best.get(0));
        assertTrue(best.get(1).startsWith("resnext50|wf-alpha|"), best.get(1));
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(b.toString());
            }
            return out;
        }
    }

    private Instant dbNow() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    private static List<String> ids(List<RunSummary> runs) {
        return runs.stream().map(RunSummary::workflowId).toList();
    }
}
