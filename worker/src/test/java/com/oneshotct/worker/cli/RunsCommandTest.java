package com.oneshotct.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.db.AttemptEnd;
import com.oneshotct.db.AttemptStart;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.ClassRates;
import com.oneshotct.db.ConfusionMatrix;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.MetricPoint;
import com.oneshotct.db.NewCheckpoint;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.worker.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oneshot runs ...} against the embedded PostgreSQL: wf-one (resnext50, succeeded, a retried fetch, an
 * evaluation on a hand-made matrix, 50 logged iterations) and wf-two (resnet50, failed, no evaluation).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DbConfig config;
    private Database db;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    void scenario() {
        config = EmbeddedPostgresSupport.createDatabase("cli_runs", DbConfig::new);
        db = Database.open(config);
        db.migrate();
        Registry r = db.registry();
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        r.runs().register(run("wf-one", "resnext50"));
        r.runs().updateStatus("wf-one", RunStatus.RUNNING, null);
        r.attempts().start(new AttemptStart("wf-one", Stage.FETCH_DATASET, 1, "cpu-1", "cpu-q", t));
        r.attempts().finish("wf-one", Stage.FETCH_DATASET, 1,
                AttemptEnd.failed(t.plusSeconds(2), "java.net.SocketException", "connection reset"));
        r.attempts().start(new AttemptStart("wf-one", Stage.FETCH_DATASET, 2, "cpu-2", "cpu-q", t.plusSeconds(5)));
        r.attempts().finish("wf-one", Stage.FETCH_DATASET, 2, AttemptEnd.succeeded(t.plusSeconds(9)));
        r.attempts().start(new AttemptStart("wf-one", Stage.TRAIN, 1, "gpu-1", "gpu-q", t.plusSeconds(10)));
        r.attempts().note("wf-one", Stage.TRAIN, 1, "skipped checkpoint of iteration 480 (id 9): object"
                + " runs/wf-one/attempt-1/iter-480.ckpt is missing from the store");
        r.attempts().note("wf-one", Stage.TRAIN, 1,
                "resumed from runs/wf-one/attempt-1/iter-470.ckpt at iteration 470");
        r.attempts().finish("wf-one", Stage.TRAIN, 1, AttemptEnd.succeeded(t.plusSeconds(14)));
        List<MetricPoint> curve = new ArrayList<>();
        IntStream.range(0, 50).forEach(i -> curve.add(new MetricPoint(i * 10, i / 10, "loss_total", 2.0 / (i + 1))));
        r.training().recordMetrics("wf-one", curve);
        Checkpoint k = r.training().recordAndAdvance(checkpoint("wf-one", 490)).offered();
        // 20 images, 16 on the diagonal: accuracy 0.8; sensitivities 5/6, 4/6, 7/8; precisions 5/6, 4/5, 7/9
        int[][] cm = {{5, 1, 0}, {0, 4, 2}, {1, 0, 7}};
        r.evaluations().record(k.id(), new EvaluationScores("test", 20, List.of("ggo", "consolidation"),
                ConfusionMatrix.of(cm), 0.8, 0.81, 0.79, new ClassRates(5.0 / 6, 4.0 / 6, 7.0 / 8),
                new ClassRates(5.0 / 6, 4.0 / 5, 7.0 / 9), 0.6, 0.5, 0.47, 0.4, 0.6, 0.3, 128, 0.75));
        r.models().promote("oneshot-ct", k.id(), "champion");
        r.runs().updateStatus("wf-one", RunStatus.SUCCEEDED, null);

        r.runs().register(run("wf-two", "resnet50"));
        r.runs().updateStatus("wf-two", RunStatus.FAILED, "train exhausted its retries");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void listPrintsATableAndFilters() {
        assertEquals(0, runs("list"), err::toString);
        String[] lines = out.toString().split("\\R");
        assertTrue(lines[0].startsWith("RUN     STATUS     BACKBONE   DATASET"), lines[0]);
        assertTrue(lines[1].startsWith("wf-two  failed"), lines[1]);
        assertTrue(lines[2].startsWith("wf-one  succeeded  resnext50"), lines[2]);
        assertTrue(lines[2].endsWith("0.8100    0.4700    -        -"), lines[2]);

        assertEquals(0, runs("list", "--status", "SUCCEEDED", "--backbone", "resnext50", "--dataset", "cncb-demo"));
        assertEquals(2, out.toString().split("\\R").length);
        assertEquals(0, runs("list", "--since", "2999-01-01"));
        assertEquals("no runs match", out.toString().strip());
        assertEquals(0, runs("list", "--until", "2000-01-01T00:00:00Z"));
        assertEquals("no runs match", out.toString().strip());
    }

    @Test
    void listAsJson() throws Exception {
        assertEquals(0, runs("list", "--json", "--limit", "1"), err::toString);
        JsonNode list = JSON.readTree(out.toString());
        assertEquals(1, list.size());
        assertEquals("wf-two", list.get(0).get("workflowId").asText());
        assertEquals("failed", list.get(0).get("status").asText());
        Instant.parse(list.get(0).get("createdAt").asText());
    }

    @Test
    void badFiltersAreUsageErrors() {
        assertEquals(2, runs("list", "--since", "last tuesday"));
        assertTrue(err.toString().startsWith("error: --since: expected a date (2026-03-01) or an instant"),
                err.toString());
        assertEquals(2, runs("list", "--status", "exploded"));
        assertTrue(err.toString().startsWith("error: --status: unknown status 'exploded'"), err.toString());
        assertEquals(2, runs("best", "--metric", "loss"));
        assertTrue(err.toString().startsWith("error: unknown metric 'loss'; known: accuracy, weighted_f1"),
                err.toString());
    }

    @Test
    void showPrintsStagesCurveCheckpointsAndEvaluations() {
        assertEquals(0, runs("show", "wf-one"), err::toString);
        String s = out.toString();
        assertTrue(s.startsWith("run wf-one  succeeded"), s);
        assertTrue(s.contains("fetch_dataset  #1  failed     cpu-1 @ cpu-q  2026-03-01T10:00:00Z  2.0 s"
                + "  java.net.SocketException: connection reset"), s);
        // the train attempt's own account, one line per note line, under the table
        assertTrue(s.contains("\n  note train #1: skipped checkpoint of iteration 480 (id 9): object"
                + " runs/wf-one/attempt-1/iter-480.ckpt is missing from the store\n"
                + "  note train #1: resumed from runs/wf-one/attempt-1/iter-470.ckpt at iteration 470\n"), s);
        assertTrue(s.contains("metric curve (50 points, 50 iterations; showing 20, --json has all)"), s);
        assertTrue(s.contains("latest  iter 490  attempt 1"), s);
        assertTrue(s.contains("accuracy 0.8000  weighted F1 0.8100  macro F1 0.7900"), s);
        assertTrue(s.contains("sensitivity Normal 0.8333 CP 0.6667 COVID 0.8750"), s);
        assertTrue(s.contains("confusion (rows true, cols predicted: Normal CP COVID) 5 1 0 / 0 4 2 / 1 0 7"), s);
        assertTrue(s.contains("COCO AP 0.4000  AP50 0.6000  AP75 0.3000  (at most 128 detections per image,"
                + " score > 0.75)"), s);
        assertTrue(s.contains("oneshot-ct  v1  champion  iter 490"), s);
    }

    @Test
    void showAsJsonHasEveryPointAndTheRequestAsAnObject() throws Exception {
        assertEquals(0, runs("show", "wf-one", "--json"), err::toString);
        JsonNode d = JSON.readTree(out.toString());
        assertEquals("resnext50", d.get("run").get("request").get("backbone").asText());
        assertEquals(50, d.get("curve").size());
        assertEquals(490, d.get("latest").get("iteration").asInt());
        assertEquals("[[5,1,0],[0,4,2],[1,0,7]]",
                d.get("evaluations").get(0).get("scores").get("confusionMatrix").toString());
        assertEquals(128, d.get("evaluations").get(0).get("scores").get("apMaxDetections").asInt());
        assertEquals("fetch_dataset", d.get("attempts").get(0).get("stage").asText());
        assertTrue(d.get("attempts").get(0).get("note").isNull());
        assertEquals("train", d.get("attempts").get(2).get("stage").asText());
        assertTrue(d.get("attempts").get(2).get("note").asText().endsWith("\nresumed from"
                + " runs/wf-one/attempt-1/iter-470.ckpt at iteration 470"), d.get("attempts").get(2).toString());

        assertEquals(0, runs("show", "wf-two", "--json"), err::toString);
        JsonNode two = JSON.readTree(out.toString());
        assertTrue(two.get("latest").isNull());
        assertEquals("train exhausted its retries", two.get("run").get("error").asText());
    }

    @Test
    void unknownRunIsAClearErrorWithExitCode2() {
        assertEquals(2, runs("show", "no-such-run"));
        assertEquals("error: run 'no-such-run' not found", err.toString().strip());
        assertEquals(2, runs("compare", "wf-one", "no-such-run"));
        assertEquals("error: run 'no-such-run' not found", err.toString().strip());
        assertEquals(2, runs("compare", "wf-one"), "compare needs two ids");
    }

    @Test
    void compareMarksDifferences() throws Exception {
        assertEquals(0, runs("compare", "wf-one", "wf-two"), err::toString);
        String s = out.toString();
        assertTrue(s.contains("*  backbone  "), s);
        assertTrue(s.lines().anyMatch(l -> l.matches("\\s+request\\.solver\\.lr\\s+0\\.01\\s+0\\.01")), s);
        assertTrue(s.lines().anyMatch(l -> l.matches("\\*\\s+eval\\.test\\.accuracy\\s+0\\.8000\\s+-")), s);

        assertEquals(0, runs("compare", "wf-one", "wf-two", "--json"), err::toString);
        JsonNode c = JSON.readTree(out.toString());
        assertEquals("[\"wf-one\",\"wf-two\"]", c.get("workflowIds").toString());
        JsonNode status = c.get("rows").get(0);
        assertEquals("status", status.get("field").asText());
        assertEquals("[\"succeeded\",\"failed\"]", status.get("values").toString());
        assertTrue(status.get("differs").asBoolean());
    }

    @Test
    void bestFindsTheTopRun() throws Exception {
        assertEquals(0, runs("best", "--metric", "weighted-f1", "--split", "test"), err::toString);
        assertTrue(out.toString().startsWith("best weighted_f1 on split test: 0.8100  run wf-one (succeeded"),
                out.toString());
        assertEquals(0, runs("best", "--metric", "map"), err::toString);
        assertTrue(out.toString().startsWith("best map: 0.4700 (at most 128 detections per image, score > 0.75)  run"
                + " wf-one"), out.toString());
        assertEquals(0, runs("best", "--metric", "map", "--json"), err::toString);
        JsonNode b = JSON.readTree(out.toString());
        assertEquals("wf-one", b.get("run").get("workflowId").asText());
        assertEquals(0.47, b.get("value").asDouble(), 1e-12);
        assertEquals(0, runs("best", "--metric", "accuracy", "--backbone", "resnet50"));
        assertEquals("no evaluation has accuracy", out.toString().strip());
    }

    @Test
    void thinningKeepsFirstAndLast() {
        List<Integer> all = IntStream.range(0, 50).boxed().toList();
        List<Integer> shown = RunsFormat.thin(all, 20);
        assertEquals(20, shown.size());
        assertEquals(0, shown.get(0));
        assertEquals(49, shown.get(19));
        // element i is round(i * 49 / 19): i = 1 -> round(2.58) = 3
        assertEquals(3, shown.get(1));
        assertFalse(shown.stream().distinct().count() < 20, "no iteration twice");
        assertEquals(List.of(1, 2), RunsFormat.thin(List.of(1, 2), 20));
    }

    private int runs(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        // Main's error handling (error: ... and exit 2 for bad input), without depending on Main listing "runs"
        CommandLine cli = new CommandLine(new RunsCommand(() -> config))
                .setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static NewRun run(String id, String backbone) {
        String request = "{\"dataset\": \"cncb-demo\", \"backbone\": \"" + backbone + "\", \"solver\": {\"lr\": 0.01}}";
        return new NewRun(id, "temporal-" + id, request, "cfg-" + backbone, "git-1a2b3c", backbone, "cncb-demo");
    }

    private static NewCheckpoint checkpoint(String id, int iteration) {
        // a made-up but well-formed SHA-256: 64 lower-case hex digits
        return new NewCheckpoint(id, iteration, 1, "checkpoints/" + id + "/iter-" + iteration,
                "ab".repeat(32), 4096);
    }
}
