package com.oneshotct.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.embedded.EmbeddedPostgresSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment's database roles (deploy/sql/roles.sql and worker-grants.sql) on a real PostgreSQL, in the order a
 * deployment applies them: roles by the administrator, migrations by the schema owner, grants by the owner. Then the
 * worker role does every registry write a pipeline makes, and is refused every DDL, DELETE and TRUNCATE.
 */
class WorkerRoleTest {
    private static final Path SQL = Path.of("..", "deploy", "sql").toAbsolutePath().normalize();
    private static final String OWNER = "oneshot_owner";
    private static final String WORKER = "oneshot_worker";
    private static final String SCHEMA = "oneshot";
    /** PostgreSQL's insufficient_privilege. */
    private static final String DENIED = "42501";

    private static DbConfig admin;

    @BeforeAll
    static void deploy() throws Exception {
        admin = EmbeddedPostgresSupport.createDatabase("worker_role_test", DbConfig::new);
        try (Connection c = connect(admin.user()); Statement s = c.createStatement()) {
            s.execute(Files.readString(SQL.resolve("roles.sql")));
        }
        // the embedded server trusts local connections: the roles need no password here
        try (Database owner = Database.open(as(OWNER))) {
            owner.migrate();
        }
        try (Connection c = connect(OWNER); Statement s = c.createStatement()) {
            s.execute(Files.readString(SQL.resolve("worker-grants.sql")));
        }
    }

    @Test
    void theWorkerRoleDoesEveryWriteOfAPipeline() {
        try (Database db = Database.open(as(WORKER))) {
            db.validate(); // what a worker started with ONESHOT_DB_MIGRATE=false does first
            Registry r = db.registry();
            String run = "role-run";
            NewDataset data = Fixtures.dataset("role-data");
            r.runs().register(Fixtures.run(run, "resnet18", "role-data"));
            r.runs().updateStatus(run, RunStatus.RUNNING, null);
            r.runs().registerDataset(data);
            r.runs().linkDataset(run, data.id());
            for (Stage stage : Stage.values()) {
                StageAttempt a = r.attempts().begin(run, stage, "act-" + stage.sql(), 1, "w1", "oneshot-cpu",
                        Instant.now());
                r.attempts().finish(run, stage, a.attempt(), AttemptEnd.succeeded(Instant.now()));
            }
            StageAttempt failed = r.attempts().begin(run, Stage.TRAIN, "act-train", 2, "w1", "oneshot-gpu",
                    Instant.now());
            r.attempts().finish(run, Stage.TRAIN, failed.attempt(),
                    AttemptEnd.failed(Instant.now(), "java.io.IOException", "connection reset"));
            r.training().recordMetrics(run, List.of(new MetricPoint(1, 0, "total", 1.5)));
            LatestMove first = r.training().recordAndAdvance(Fixtures.checkpoint(run, 1, 1));
            LatestMove second = r.training().recordAndAdvance(Fixtures.checkpoint(run, 2, 1));
            assertTrue(first.moved() && second.moved(), "the latest pointer advanced twice");
            Evaluation e = r.evaluations().record(second.offered().id(),
                    Fixtures.scores("test", Fixtures.CM, 0.8, 0.8, 0.5, 0.4, 0.45, 0.3));
            ModelVersion v1 = r.models().promote("role-model", first.offered().id(), "latest");
            ModelVersion v2 = r.models().promote("role-model", second.offered().id(), "latest");
            r.runs().updateStatus(run, RunStatus.SUCCEEDED, null);

            assertEquals(RunStatus.SUCCEEDED, r.runs().get(run).status());
            assertEquals(2, r.training().latest(run).orElseThrow().iteration());
            assertEquals(e.id(), r.evaluations().evaluations(run).get(0).id());
            assertEquals(List.of(1, 2), List.of(v1.version(), v2.version()));
            assertEquals(2, r.models().byAlias("role-model", "latest").version(), "the alias moved to v2");
            assertEquals(1, r.audit().listRuns(RunFilter.ALL).size(), "the views are readable");
        }
    }

    @Test
    void theWorkerRoleCannotChangeTheSchemaOrRemoveHistory() throws Exception {
        List<String> refusals = List.of(
                "DROP TABLE runs",
                "ALTER TABLE runs ADD COLUMN note text",
                "ALTER TABLE checkpoints DISABLE TRIGGER ALL",
                "CREATE TABLE oneshot.extra (i integer)",
                "CREATE TABLE public.extra (i integer)",
                "CREATE TEMPORARY TABLE extra (i integer)",
                "CREATE INDEX extra_idx ON runs (error)",
                "DROP VIEW run_summary",
                "CREATE OR REPLACE FUNCTION stage_attempts_append_only() RETURNS trigger LANGUAGE plpgsql"
                        + " AS $$ BEGIN RETURN NEW; END $$",
                "DELETE FROM checkpoints",
                "DELETE FROM training_metrics",
                "DELETE FROM model_versions",
                "TRUNCATE runs CASCADE",
                "TRUNCATE stage_attempts",
                "DELETE FROM flyway_schema_history",
                "INSERT INTO flyway_schema_history (installed_rank, description, type, script, installed_by,"
                        + " execution_time, success) VALUES (99, 'x', 'SQL', 'x', 'x', 0, true)",
                // rewriting history through an UPDATE the grants do not list
                "UPDATE checkpoints SET sha256 = repeat('0', 64)",
                "UPDATE runs SET request = '{}'::jsonb",
                "UPDATE evaluations SET accuracy = 1",
                "UPDATE stage_attempts SET worker_identity = 'someone else'");
        List<String> allowed = new ArrayList<>();
        try (Connection c = connect(WORKER)) {
            for (String sql : refusals) {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                    allowed.add(sql);
                } catch (SQLException e) {
                    if (!DENIED.equals(e.getSQLState())) {
                        allowed.add(sql + " (refused, but not for privilege: " + e.getSQLState() + " "
                                + e.getMessage() + ")");
                    }
                }
            }
        }
        assertTrue(allowed.isEmpty(), "the worker role may: " + String.join("\n", allowed));
        // and it cannot become the owner, the one role that may
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = connect(WORKER); Statement s = c.createStatement()) {
                s.execute("SET ROLE " + OWNER);
            }
        });
        assertEquals(DENIED, e.getSQLState(), e.getMessage());
    }

    @Test
    void everyTableAndViewHasItsWorkerRightsDecidedInTheGrantsFile() throws Exception {
        String grants = Files.readString(SQL.resolve("worker-grants.sql")).replaceAll("(?m)--.*$", "");
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("(?i)\\bON\\s+([a-z_][a-z0-9_]*(?:\\s*,\\s*[a-z_][a-z0-9_]*)*)\\s+TO\\b")
                .matcher(grants);
        while (m.find()) {
            for (String t : m.group(1).split(",")) {
                named.add(t.trim());
            }
        }
        Set<String> relations = new TreeSet<>();
        List<String> overreach = new ArrayList<>();
        try (Connection c = connect(admin.user()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name,"
                        + " has_table_privilege('" + WORKER + "', quote_ident(table_schema) || '.'"
                        + " || quote_ident(table_name), 'DELETE, TRUNCATE, REFERENCES, TRIGGER')"
                        + " FROM information_schema.tables WHERE table_schema = '" + SCHEMA + "'")) {
            while (rs.next()) {
                relations.add(rs.getString(1));
                if (rs.getBoolean(2)) {
                    overreach.add(rs.getString(1));
                }
            }
        }
        assertTrue(relations.contains("runs") && relations.contains("flyway_schema_history"), relations.toString());
        Set<String> missing = new TreeSet<>(relations);
        missing.removeAll(named);
        assertTrue(missing.isEmpty(), "deploy/sql/worker-grants.sql does not decide the workers' rights on "
                + missing + ": a migration added them; grant what the workers need (or SELECT only)");
        Set<String> stale = new TreeSet<>(named);
        stale.removeAll(relations);
        assertTrue(stale.isEmpty(), "worker-grants.sql names relations the schema lacks: " + stale);
        assertTrue(overreach.isEmpty(), "the worker may DELETE, TRUNCATE, REFERENCE or add triggers to " + overreach);
        assertFalse(hasSchemaCreate(WORKER), "the worker may create objects in schema " + SCHEMA);
    }

    private static boolean hasSchemaCreate(String role) throws SQLException {
        try (Connection c = connect(admin.user()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT has_schema_privilege('" + role + "', '" + SCHEMA
                        + "', 'CREATE')")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static DbConfig as(String role) {
        return new DbConfig(admin.url(), role, null, SCHEMA);
    }

    private static Connection connect(String role) throws SQLException {
        return DriverManager.getConnection(admin.url(), role, "");
    }
}
