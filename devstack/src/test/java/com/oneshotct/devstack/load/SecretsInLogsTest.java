package com.oneshotct.devstack.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.activities.store.StoreAccessException;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.worker.runtime.Activities;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.StageOptions;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No secret in logs, registry records or workflow histories. The load runs' worker logged everything at DEBUG with
 * a database password the server checked and the store's secret key; a run whose worker holds a wrong secret key
 * fails its fetch on every attempt, and neither key shows in what that failure wrote anywhere.
 */
@ExtendWith(LoadRun.class)
class SecretsInLogsTest {

    @Test
    void theLoadRunsLeaveNoSecretInLogsRecordsOrHistories(LoadRun.Run load) throws Exception {
        String log = LoadRun.text(load.workerLog());
        // the scan saw a real DEBUG log of a worker that used both credentials
        assertTrue(log.contains("worker load-worker started"), LoadRun.tail(load.workerLog()));
        assertTrue(log.lines().filter(l -> l.contains("DEBUG")).count() > 100, "DEBUG lines in the worker log");
        // the connection pool printed its configuration, password field included (masked)
        assertTrue(log.contains("DEBUG com.zaxxer.hikari.HikariConfig"), "Hikari's DEBUG lines in the worker log");
        assertTrue(load.results().values().stream().allMatch(r -> "succeeded".equals(r.status())));
        // the password was needed: the server refuses the worker role without it
        java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> java.sql.DriverManager.getConnection(load.stack().environment().get(DbConfig.URL_VAR),
                        LoadRun.WORKER_ROLE, "not-" + load.dbPassword()).close());
        assertEquals("28P01", refused.getSQLState(), refused.getMessage()); // invalid_password
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("worker output", log);
        texts.put("registry rows", registryText(load.admin()));
        for (String id : load.results().keySet()) {
            texts.put("Temporal history of " + id, load.client().fetchHistory(id).getHistory().toString());
        }
        assertNoSecret(texts, Map.of("the S3 secret key", load.s3Secret(), "the database password",
                load.dbPassword()));
    }

    @Test
    void aWrongSecretKeyFailsTheFetchWithoutShowingAnyKey(LoadRun.Run load) throws Exception {
        String wrong = "wrong-" + LoadRun.random(32);
        S3Config right = S3Config.fromEnvironment(load.stack().environment());
        S3Config bad = new S3Config(right.endpoint(), right.accessKey(), wrong, right.bucket());
        DbConfig config = EmbeddedPostgresSupport.createDatabase("secret_fail", DbConfig::new);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PipelineResult result;
        String history;
        String rows;
        List<StageAttempt> attempts;
        try (Database db = Database.open(config); ObjectStore store = new ObjectStore(bad);
                TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            db.migrate();
            // the logging framework (slf4j-simple) writes to whatever System.err is at the time
            System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
            Activities acts = Activities.of(db.registry(), store, new DatasetCache(load.dir().resolve("cache-wrong")),
                    load.dir().resolve("work-wrong"), Device.cpu(), "wrong-key-worker", env.getWorkflowClient());
            acts.registerCpu(env.newWorker("oneshot-cpu"));
            acts.registerGpu(env.newWorker("oneshot-gpu"));
            env.start();
            TrainingPipeline run = env.getWorkflowClient().newWorkflowStub(TrainingPipeline.class,
                    WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId("secret-fail").build());
            // the test server skips the retry backoff and the park's wait
            result = run.run(new ObjectMapper().readTree("{\"dataset\": \"" + LoadRun.DATASET + "\","
                    + " \"imageSize\": 64, \"iterations\": 1, \"parkTimeout\": \"PT1M\"}"));
            history = env.getWorkflowClient().fetchHistory("secret-fail").getHistory().toString();
            rows = registryText(db);
            attempts = db.registry().attempts().attempts("secret-fail");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("aborted", result.status(), result.message());
        List<StageAttempt> fetches = attempts.stream().filter(a -> a.stage() == Stage.FETCH_DATASET).toList();
        assertEquals(StageOptions.FETCH_ATTEMPTS, fetches.size(), fetches.toString());
        for (StageAttempt a : fetches) {
            assertEquals(Outcome.FAILED, a.outcome());
            assertEquals(StoreAccessException.class.getName(), a.errorClass());
            assertTrue(a.errorMessage().contains(S3Config.SECRET_KEY_VAR), "names the variable to fix: "
                    + a.errorMessage());
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        // the failure really went through the scanned texts
        for (String text : List.of(logged, history, rows, result.message())) {
            assertTrue(text.contains("SignatureDoesNotMatch"), text);
        }
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("captured stdout and stderr", logged);
        texts.put("workflow result", result.message());
        texts.put("registry rows", rows);
        texts.put("Temporal history", history);
        assertNoSecret(texts, Map.of("the wrong S3 secret key", wrong, "the S3 secret key", right.secretKey()));
    }

    private static void assertNoSecret(Map<String, String> texts, Map<String, String> secrets) {
        List<String> leaks = new ArrayList<>();
        texts.forEach((where, text) -> secrets.forEach((what, secret) -> {
            int at = text.indexOf(secret);
            if (at >= 0) {
                leaks.add(what + " in " + where + ": ..." + text.substring(Math.max(0, at - 120), at) + "<SECRET>");
            }
        }));
        assertTrue(leaks.isEmpty(), String.join("\n", leaks));
    }

    /** Every row of every table of the registry, as PostgreSQL spells a row in text. */
    static String registryText(Database db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT quote_ident(table_name) FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.contains("stage_attempts") && tables.contains("runs"), tables.toString());
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT r::text FROM " + t + " r")) {
                    while (rs.next()) {
                        out.append(t).append(": ").append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            synchronized (b) {
                b.write(x);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
        }
    }
}
