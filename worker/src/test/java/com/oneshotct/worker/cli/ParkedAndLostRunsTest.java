package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.Run;
import com.oneshotct.db.RunStatus;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.embedded.EmbeddedTemporal;
import com.oneshotct.worker.runtime.Activities;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The real pipeline and activities on the embedded services (PostgreSQL, S3Proxy, Temporal's test server as the
 * stack runs it, time not skipped): {@code run start --wait} on a run that parks, and {@code runs reconcile} after
 * Temporal was restarted under a run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParkedAndLostRunsTest {

    private static final String MISSING = "{\"dataset\": \"no-such-data\"}";

    private DbConfig config;
    private Database db;
    private EmbeddedS3 s3;
    private ObjectStore store;
    private Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** One embedded Temporal with a worker serving both queues; closing it loses every workflow it held. */
    private final class Temporal implements AutoCloseable {
        final EmbeddedTemporal server = EmbeddedTemporal.start(0);
        final TemporalConfig config = new TemporalConfig(server.address(), TemporalConfig.DEFAULT_NAMESPACE);
        final WorkflowClient client = Clients.connect(config);
        final WorkerFactory factory = WorkerFactory.newInstance(client);

        Temporal() {
            Activities acts = Activities.of(db.registry(), store, new DatasetCache(dir.resolve("cache")),
                    dir.resolve("work"), Device.cpu(), "park-worker", client);
            acts.registerCpu(factory.newWorker("oneshot-cpu"));
            acts.registerGpu(factory.newWorker("oneshot-gpu"));
            factory.start();
        }

        int run(String... args) {
            return execute(new RunCommand(config, client), args);
        }

        int runs(String... args) {
            return execute(new RunsCommand(() -> ParkedAndLostRunsTest.this.config, () -> config, client), args);
        }

        @Override
        public void close() throws InterruptedException {
            factory.shutdownNow();
            factory.awaitTermination(10, TimeUnit.SECONDS);
            client.getWorkflowServiceStubs().shutdownNow();
            server.close();
        }
    }

    @BeforeAll
    void services() throws IOException {
        dir = Files.createTempDirectory("oneshot-parked-");
        config = EmbeddedPostgresSupport.createDatabase("parked_runs_test", DbConfig::new);
        db = Database.open(config);
        db.migrate();
        s3 = EmbeddedS3.transientStore(0, "park-access", "park-secret-key");
        store = new ObjectStore(new S3Config(s3.endpoint(), s3.accessKey(), s3.secretKey(), "oneshot"));
        store.ensureBucket();
    }

    @AfterAll
    void stop() throws IOException {
        store.close();
        s3.close();
        db.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private int execute(Object command, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    private Run awaitStatus(String id, RunStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Run r = db.registry().runs().get(id);
                if (r.status() == status) {
                    return r;
                }
            } catch (com.oneshotct.db.NotFoundException notYet) {
                // the workflow has not registered it yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + id + " never became " + status.sql());
    }

    @Test
    void startWaitEndsAtOnceWhenTheRunParksSayingWhereWhyAndWhatToDo() throws Exception {
        try (Temporal t = new Temporal()) {
            long start = System.nanoTime();
            int code = t.run("start", "--id", "park-1", "--wait", "--json", MISSING);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            String said = err.toString();
            assertEquals(RunCommand.PARKED, code, out + said);
            assertTrue(seconds < 90, "returned after " + seconds + " s, not after parkTimeout");
            assertEquals("park-1", out.toString().trim(), "stdout has the run's id only");
            assertTrue(said.startsWith("run 'park-1' is parked at stage fetch_dataset: stage fetch_dataset failed"
                    + " with a non-retryable error: "), said);
            assertTrue(said.contains("no-such-data"), "names what is missing: " + said);
            assertTrue(said.contains("  oneshot run retry park-1 "), said);
            assertTrue(said.contains("  oneshot run abort park-1 --reason TEXT "), said);
            assertEquals(RunStatus.WAITING, db.registry().runs().get("park-1").status());

            // the way on it names works
            assertEquals(0, t.run("abort", "park-1", "--reason", "no such dataset"), err.toString());
            Run aborted = awaitStatus("park-1", RunStatus.ABORTED);
            assertTrue(aborted.error().contains("no such dataset"), aborted.error());
        }
    }

    @Test
    void reconcileEndsAsLostTheRunsARestartedTemporalNoLongerKnowsAndLeavesLiveOnes() throws Exception {
        try (Temporal before = new Temporal()) {
            assertEquals(0, before.run("start", "--id", "gone-1", "--json", MISSING), err.toString());
            awaitStatus("gone-1", RunStatus.WAITING);
        }
        // the stack restarted: a new in-memory Temporal, the same registry
        try (Temporal after = new Temporal()) {
            assertEquals(0, after.run("start", "--id", "alive-1", "--json", MISSING), err.toString());
            assertEquals(0, after.run("start", "--id", "term-1", "--json", MISSING), err.toString());
            awaitStatus("alive-1", RunStatus.WAITING);
            awaitStatus("term-1", RunStatus.WAITING);
            after.client.newUntypedWorkflowStub("term-1").terminate("terminated by hand");

            assertEquals(0, after.runs("reconcile", "--dry-run"), err.toString());
            String dry = out.toString();
            assertTrue(dry.contains("gone-1  waiting: would be marked lost: Temporal at " + after.server.address()
                    + ", namespace default does not know workflow 'gone-1'"), dry);
            assertTrue(dry.contains("alive-1  waiting, workflow RUNNING: left alone"), dry);
            assertTrue(dry.contains("; 2 would be marked lost (dry run, nothing changed)"), dry);
            assertEquals(RunStatus.WAITING, db.registry().runs().get("gone-1").status(), "a dry run changes nothing");

            assertEquals(0, after.runs("reconcile"), err.toString());
            String done = out.toString();
            assertTrue(done.contains("3 unended run(s) on Temporal at " + after.server.address()
                    + ", namespace default; 2 marked lost"), done);
            Run gone = db.registry().runs().get("gone-1");
            assertEquals(RunStatus.LOST, gone.status());
            assertTrue(gone.error().contains("does not know workflow 'gone-1': its history is gone"), gone.error());
            Run terminated = db.registry().runs().get("term-1");
            assertEquals(RunStatus.LOST, terminated.status());
            assertTrue(terminated.error().contains("is closed (TERMINATED), but the registry never heard"),
                    terminated.error());
            assertEquals(RunStatus.WAITING, db.registry().runs().get("alive-1").status(), "a live run is left alone");

            assertEquals(0, after.runs("reconcile"));
            assertTrue(out.toString().contains("1 unended run(s) on Temporal at " + after.server.address()
                    + ", namespace default; 0 marked lost"), out.toString());
            assertEquals(0, after.runs("list", "--status", "lost"));
            assertTrue(out.toString().contains("gone-1") && out.toString().contains("term-1"), out.toString());
        }
    }
}
