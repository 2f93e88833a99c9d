package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.AttemptEnd;
import com.oneshotct.db.AttemptStart;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.MetricPoint;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.worker.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code oneshot report} against the embedded PostgreSQL, for what needs no model: run ids (workflow id or
 * registry number, unknown ones), and a run that failed before its first checkpoint. The report of a trained run
 * is {@code report.RunReportEndToEndTest}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportCommandTest {
    private static final String FAILED = "wf-<b>failed</b>";

    private Database db;
    private Map<String, String> env;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    void scenario(@TempDir Path cache) {
        DbConfig config = EmbeddedPostgresSupport.createDatabase("cli_report", DbConfig::new);
        db = Database.open(config);
        db.migrate();
        Registry r = db.registry();
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        r.runs().register(new NewRun(FAILED, "temporal-1", "{\"imageSize\": 64, \"iterations\": 6}", "cfg", "git-1",
                "resnet18", "synthetic-64"));
        r.runs().updateStatus(FAILED, RunStatus.RUNNING, null);
        r.attempts().start(new AttemptStart(FAILED, Stage.TRAIN, 1, "gpu-1", "gpu-q", t));
        r.attempts().finish(FAILED, Stage.TRAIN, 1, AttemptEnd.failed(t.plusSeconds(3), "java.lang.OutOfMemoryError",
                "<heap> exhausted"));
        r.training().recordMetrics(FAILED, List.of(new MetricPoint(1, 0, "loss_total", 2.5),
                new MetricPoint(2, 0, "loss_total", 2.0), new MetricPoint(3, 0, "loss_total", 1.7)));
        r.runs().updateStatus(FAILED, RunStatus.FAILED, "train exhausted its retries");
        // nothing listens here: a report that tried to download anything would fail
        env = Map.of(DbConfig.URL_VAR, config.url(), DbConfig.USER_VAR, config.user(),
                DbConfig.PASSWORD_VAR, config.password() == null ? "" : config.password(),
                S3Config.ENDPOINT_VAR, "http://127.0.0.1:9", S3Config.ACCESS_KEY_VAR, "none",
                S3Config.SECRET_KEY_VAR, "none", DatasetCache.CACHE_DIR_VAR, cache.toString());
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void anUnknownRunIsBadInputAndWritesNothing(@TempDir Path dir) {
        Path target = dir.resolve("report");
        assertEquals(2, run("nope", "--out", target.toString()));
        assertTrue(err.toString().startsWith("error: no run 'nope' in the registry"), err.toString());
        assertFalse(Files.exists(target));
        assertEquals(2, run("999999", "--out", target.toString()), "a number that is no run's");
        assertTrue(err.toString().contains("error: no run '999999'"), err.toString());
        assertFalse(Files.exists(target));
    }

    @Test
    void aNegativeSliceCountIsBadInput(@TempDir Path dir) {
        assertEquals(2, run(FAILED, "--out", dir.toString(), "--slices", "-1"));
        assertTrue(err.toString().contains("--slices must be 0 or more, got -1"), err.toString());
    }

    @Test
    void aRunWithoutCheckpointGetsItsRecordsAndTheReasonsForTheRest(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("report");
        assertEquals(0, run(String.valueOf(registryNumber(FAILED)), "--out", target.toString()), err.toString());
        assertTrue(out.toString().contains("reading run '" + registryNumber(FAILED) + "' from the registry"));
        assertTrue(out.toString().contains("report: " + target.resolve("index.html").toAbsolutePath()
                + " (1 PNG files"), out.toString());
        String html = Files.readString(target.resolve("index.html"));
        assertTrue(html.contains("<h1>Run wf-&lt;b&gt;failed&lt;/b&gt;</h1>"));
        assertTrue(html.contains("<td>failed: train exhausted its retries</td>"));
        assertTrue(html.contains("<td>java.lang.OutOfMemoryError: &lt;heap&gt; exhausted</td>"));
        assertTrue(html.contains("The run has no checkpoint: no AP per IoU threshold and no slice overlays."));
        assertTrue(html.contains("The registry holds no evaluation of this run"));
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(List.of("index.html", "loss.png"), files.map(p -> p.getFileName().toString()).sorted()
                    .toList());
        }
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(new ReportCommand(env));
        cli.setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** The runs table's key of a run, as an SQL audit shows it. */
    private long registryNumber(String workflowId) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM runs WHERE workflow_id = ?")) {
            ps.setString(1, workflowId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }
}
