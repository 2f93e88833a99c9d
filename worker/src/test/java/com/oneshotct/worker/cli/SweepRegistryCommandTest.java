package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.registry.RegistryActivitiesImpl;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.ClassRates;
import com.oneshotct.db.ConfusionMatrix;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.NewCheckpoint;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunStatus;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.worker.Main;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.sweep.TrainingSweepImpl;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code oneshot sweep status|summary} and {@code oneshot runs compare --sweep} read of a sweep in the registry:
 * the real sweep on Temporal's test service records itself and its points; its stand-in children register nothing,
 * so the test writes their runs and evaluations as real children do.
 */
class SweepRegistryCommandTest {
    private static final String ADDRESS = "temporal.test:7233";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 20 images, 16 right: accuracy 0.8, as the matrix says. */
    private static final int[][] CM = {{5, 1, 0}, {0, 4, 2}, {1, 0, 7}};

    private TestWorkflowEnvironment env;
    private DbConfig config;
    private Database db;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() {
        config = EmbeddedPostgresSupport.createDatabase("cli_sweep_registry", DbConfig::new);
        db = Database.open(config);
        db.migrate();
        env = TestWorkflowEnvironment.newInstance();
        Worker worker = env.newWorker(RunCommand.DEFAULT_TASK_QUEUE);
        worker.registerWorkflowImplementationTypes(RunCommandTest.FakePipeline.class, TrainingSweepImpl.class);
        worker.registerActivitiesImplementations(new RegistryActivitiesImpl(db.registry(), "test-worker"));
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
        db.close();
    }

    private int run(Object command, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(command)
                .setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private int sweep(String... args) {
        return run(new SweepCommand(new TemporalConfig(ADDRESS, "default"), env.getWorkflowClient(), () -> config),
                args);
    }

    private int runs(String... args) {
        return run(new RunsCommand(() -> config), args);
    }

    private void until(String what, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + ": " + out + err);
            }
            Thread.sleep(50);
        }
    }

    /** A child's own registry writes: its run, succeeded, with a test evaluation and optionally a validation one. */
    private void childRan(Registry r, String id, double lr, double test, Double val) {
        r.runs().register(new NewRun(id, "temporal-" + id, "{\"dataset\": \"d\", \"lr\": " + lr + "}", "cfg-" + id,
                "git-1", "resnet18", "d"));
        r.runs().updateStatus(id, RunStatus.RUNNING, null);
        Checkpoint k = r.training().recordAndAdvance(new NewCheckpoint(id, 5, 1, "runs/" + id + "/iter-5.ckpt",
                "ab".repeat(32), 4096)).offered();
        if (val != null) {
            r.evaluations().record(k.id(), scores("val", val));
        }
        r.evaluations().record(k.id(), scores("test", test));
        r.runs().updateStatus(id, RunStatus.SUCCEEDED, null);
    }

    private static EvaluationScores scores(String split, double weightedF1) {
        return new EvaluationScores(split, 20, List.of("ggo"), ConfusionMatrix.of(CM), 0.8, weightedF1, 0.5,
                new ClassRates(5.0 / 6, 4.0 / 6, 7.0 / 8), new ClassRates(5.0 / 6, 4.0 / 5, 7.0 / 9), 0.6, 0.5, 0.4,
                0.3, 0.6, 0.2, 128, 0.75);
    }

    @Test
    void statusSummaryAndCompareReadTheSweepsRows() throws Exception {
        assertEquals(0, sweep("start", "--id", "sr", "--json",
                "{\"base\": {\"iterations\": 5}, \"grid\": {\"lr\": [0.001, 0.0001, 0.00001]}, \"maxConcurrent\": 2}"),
                err::toString);
        until("two children run", () -> sweep("status", "sr") == 0 && out.toString().contains("2 running"));
        String running = out.toString();
        assertTrue(running.contains("registry: sweep sr running, ranked by weighted_f1 (validation first, then"
                + " test)"), running);
        assertTrue(running.matches("(?s).*- +3 +sr-003 +pending .*lr.*"), running);

        Registry r = db.registry();
        childRan(r, "sr-001", 0.001, 0.6, 0.7);
        childRan(r, "sr-002", 0.0001, 0.9, null);
        assertEquals(0, sweep("stop", "sr"), err::toString);
        until("the sweep ended", () -> sweep("status", "sr") == 0 && out.toString().contains("sweep sr: stopped"));
        until("its end is recorded", () -> sweep("summary", "sr") == 0 && out.toString().contains("sr stopped"));
        String table = out.toString();
        String[] lines = table.split("\\R");
        assertTrue(lines[1].startsWith("RANK  K  RUN     STATUS     VAL weighted_f1  test weighted_f1  ACCURACY"),
                table);
        // validation first: sr-001 (0.7 on val) above sr-002 (0.9 on test, no validation); sr-003 never started
        assertTrue(lines[2].matches("1 +1 +sr-001 +succeeded +0\\.7000 +0\\.6000 +0\\.8000 .*"), table);
        assertTrue(lines[3].matches("2 +2 +sr-002 +succeeded +- +0\\.9000 .*"), table);
        assertTrue(lines[4].matches("- +3 +sr-003 +skipped +- .*"), table);

        assertEquals(0, sweep("summary", "sr", "--json"), err::toString);
        JsonNode json = JSON.readTree(out.toString());
        assertEquals(3, json.size());
        assertEquals(0.001, json.get(0).get("point").get("lr").asDouble(), "the point as an object");
        assertEquals(1, json.get(0).get("rank").asInt());
        assertTrue(json.get(2).get("rank").isNull());

        assertEquals(0, runs("compare", "--sweep", "sr"), err::toString);
        String compared = out.toString();
        assertTrue(compared.startsWith("sweep sr: 2 runs, best rank first"), compared);
        assertTrue(compared.contains("FIELD") && compared.indexOf("sr-001") < compared.indexOf("sr-002"), compared);
        assertTrue(compared.matches("(?s).*\\* +request\\.lr +0\\.001 +1\\.0E-4\\R.*"),
                "the varied value differs: " + compared);
        assertTrue(compared.matches("(?s).*\\* +eval\\.test\\.weighted_f1 +0\\.6000 +0\\.9000.*"), compared);
    }

    @Test
    void compareNeedsRunIdsOrASweepAndNamesWhatIsMissing() {
        assertEquals(2, runs("compare", "--sweep", "nope"));
        assertTrue(err.toString().contains("sweep 'nope' not found"), err.toString());
        assertEquals(2, runs("compare", "only-one"));
        assertTrue(err.toString().contains("compare needs two or more run ids, or --sweep SWEEP_ID"), err.toString());
        assertEquals(2, runs("compare", "--sweep", "x", "a", "b"));
        assertTrue(err.toString().contains("give run ids or --sweep, not both"), err.toString());
        assertEquals(2, sweep("summary", "nope"));
        assertTrue(err.toString().contains("sweep 'nope' is not in the registry"), err.toString());
    }

    @Test
    void aSweepWithOneRunCannotBeCompared() throws Exception {
        assertEquals(0, sweep("start", "--id", "one", "--json",
                "{\"base\": {\"iterations\": 5}, \"grid\": {\"lr\": [0.001, 0.0001]}, \"maxConcurrent\": 1}"),
                err::toString);
        until("the sweep is recorded", () -> sweep("summary", "one") == 0);
        childRan(db.registry(), "one-001", 0.001, 0.5, null);
        assertEquals(2, runs("compare", "--sweep", "one"));
        assertTrue(err.toString().contains("sweep 'one' has 1 point(s) with a run so far; compare needs two"),
                err.toString());
        assertEquals(0, sweep("abort", "one"), err::toString);
    }
}
