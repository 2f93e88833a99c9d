package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.registry.RegistryActivitiesImpl;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.sweep.TrainingSweepImpl;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code oneshot sweep} against Temporal's test service: the real sweep over {@link RunCommandTest}'s stand-in runs. */
class SweepCommandTest {
    private static final String ADDRESS = "temporal.test:7233";

    private TestWorkflowEnvironment env;
    private Database db;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() {
        env = TestWorkflowEnvironment.newInstance();
        Worker worker = env.newWorker(RunCommand.DEFAULT_TASK_QUEUE);
        worker.registerWorkflowImplementationTypes(RunCommandTest.FakePipeline.class, TrainingSweepImpl.class);
        // the sweep records itself in the registry first (what the CLI reads of it: SweepRegistryCommandTest)
        db = Database.open(EmbeddedPostgresSupport.createDatabase("cli_sweep_command", DbConfig::new));
        db.migrate();
        worker.registerActivitiesImplementations(new RegistryActivitiesImpl(db.registry(), "test-worker"));
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
        db.close();
    }

    private int sweep(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(new SweepCommand(new TemporalConfig(ADDRESS, "default"),
                env.getWorkflowClient(), () -> {
                    throw new IllegalArgumentException("ONESHOT_DB_URL is not set");
                }));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    /** Polls {@code sweep status} until its output holds {@code text}. */
    private String statusUntil(String id, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            assertEquals(0, sweep("status", id), err.toString());
            if (out.toString().contains(text) || System.nanoTime() > deadline) {
                return out.toString();
            }
            Thread.sleep(50);
        }
    }

    @Test
    void startStatusStopAndTheEndedSweepsTable() throws Exception {
        assertEquals(0, sweep("start", "--id", "sw", "--json",
                "{\"base\": {\"iterations\": 80}, \"grid\": {\"seed\": [1, 2, 3]}, \"maxConcurrent\": 2}"), err.toString());
        assertEquals("sw", out.toString().trim());

        String running = statusUntil("sw", "2 running");
        assertTrue(running.contains("sweep sw: running (2 running, 0 finished of 3; at most 2 at once)"), running);
        assertTrue(running.contains("sw-001"), running);
        assertTrue(running.contains("[running train 40/80]"), "each running child's own progress: " + running);
        assertTrue(running.matches("(?s).*3 +sw-003 +pending .*\\{\"seed\":3}.*"), running);
        assertTrue(running.contains("registry: not read: ONESHOT_DB_URL is not set"), running);

        assertEquals(0, sweep("stop", "sw"), err.toString());
        assertEquals("stop sent to sweep 'sw'", out.toString().trim());
        String ended = statusUntil("sw", "stopped (2 of 3 succeeded)");
        assertTrue(ended.contains("sweep sw: stopped (2 of 3 succeeded)"), ended);
        assertTrue(ended.matches("(?s).*1 +sw-001 +succeeded +- .*"), ended);
        assertTrue(ended.contains("(never started: the sweep was stopped)"), ended);
        assertTrue(ended.contains("leaderboard: no child has ap50 yet"), ended);

        assertEquals(0, sweep("status", "sw", "--json"), err.toString());
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals("stopped", json.get("status").asText());
        assertEquals(0.75, json.get("children").get(1).get("metrics").get("accuracy").asDouble());

        assertEquals(2, sweep("stop", "sw"));
        assertTrue(err.toString().contains("sweep 'sw' on temporal.test:7233 has already ended (COMPLETED)"),
                err.toString());
    }

    @Test
    void badJsonAndAnUnknownSweepAreRefused() {
        assertEquals(2, sweep("start", "--id", "sw-bad", "--json", "[1]"));
        assertTrue(err.toString().contains("--json must be a JSON object"), err.toString());
        assertEquals(2, sweep("status", "nope"));
        assertTrue(err.toString().contains("no run 'nope' on temporal.test:7233"), err.toString());
    }
}
