package com.oneshotct.devstack.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.runtime.WorkerProcess;
import com.oneshotct.worker.runtime.WorkerRuntime;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@value #RUNS} small pipelines started at once on one embedded stack and served by one worker process (its own
 * JVM, as deployed): run once per test JVM and shared by the tests that take a {@link Run} parameter (the registry
 * and store agreement, the secret scan). The worker connects as the deployment's least-privileged role
 * (deploy/sql), with a password the database checks, does not migrate, and logs everything at DEBUG into a file.
 * Every run trains ResNet18 at 64 px for {@value #ITERATIONS} iterations with a checkpoint after each, on one tiny
 * shared dataset; training takes one slot per worker, so the runs queue for it.
 */
public final class LoadRun implements ParameterResolver {
    public static final int RUNS = 8;
    /** One iteration each: training is serial per worker and costs about 10 s (an iteration, a 244 MB checkpoint
     *  written, hashed and uploaded) on a loaded 2-core machine, so every iteration more adds one of those per run. */
    public static final int ITERATIONS = 1;
    public static final String DATASET = "load-data";
    public static final String WORKER_ROLE = "oneshot_worker";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LoadRun.class);
    private static final Path SQL = Path.of("..", "deploy", "sql").toAbsolutePath().normalize();

    /**
     * The finished runs and the services that hold their records.
     *
     * @param admin the registry as its administrator (the tests' reads)
     * @param results each run's workflow result, by workflow id
     * @param workerLog everything the worker process wrote (DEBUG logging)
     * @param dbPassword the worker role's password, which the database checks
     * @param wall from the first start to the last result
     */
    public record Run(EmbeddedStack stack, Database admin, ObjectStore store, WorkflowServiceStubs stubs,
            WorkflowClient client, Map<String, PipelineResult> results, Path workerLog, String dbPassword,
            Duration wall, Path dir) implements AutoCloseable {

        public String s3Secret() {
            return stack.environment().get(S3Config.SECRET_KEY_VAR);
        }

        @Override
        public void close() throws IOException {
            stubs.shutdownNow();
            store.close();
            admin.close();
            stack.close();
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Run.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getRoot().getStore(NS).getOrComputeIfAbsent(Run.class, k -> start(), Run.class);
    }

    public static String workflowId(int i) {
        return String.format("load-%02d", i);
    }

    private static Run start() {
        try {
            return run(Files.createTempDirectory("oneshot-load-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Run run(Path dir) throws IOException, InterruptedException {
        EmbeddedStack stack = EmbeddedStack.start(dir.resolve("stack"), EmbeddedStack.Ports.ANY);
        Database admin = Database.open(DbConfig.fromEnvironment(stack.environment()));
        ObjectStore store = new ObjectStore(S3Config.fromEnvironment(stack.environment()));
        String password = "pw-" + random(24);
        workerRole(stack, admin, password);
        Path data = dir.resolve("synthetic");
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(5).withSize(64).withCounts(2, 1, 3, 3))
                .write(data, line -> { });
        new DatasetPush(store).push(data, DATASET);

        Map<String, String> env = new HashMap<>(stack.environment());
        env.put(DbConfig.USER_VAR, WORKER_ROLE);
        env.put(DbConfig.PASSWORD_VAR, password);
        env.put(DbConfig.SCHEMA_VAR, "public");
        env.put(WorkerRuntime.MIGRATE_VAR, "false");
        env.put("ONESHOT_CACHE_DIR", dir.resolve("cache").toString());
        Path log = Files.createDirectories(Path.of("target", "load-logs")).resolve("worker.log");
        Process worker = WorkerProcess.worker("load-worker", dir.resolve("work"), env, List.of("-Xmx3g",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                // everything at DEBUG, the loggers simplelogger.properties quietens included
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Dorg.slf4j.simpleLogger.log.com.zaxxer.hikari=debug",
                "-Dorg.slf4j.simpleLogger.log.org.flywaydb=debug",
                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=debug"), log);
        TemporalConfig temporal = TemporalConfig.fromEnvironment(env);
        WorkflowServiceStubs stubs = Clients.stubs(temporal);
        WorkflowClient client = Clients.client(stubs, temporal);
        Map<String, PipelineResult> results = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try {
            List<WorkflowStub> runs = new ArrayList<>();
            for (int i = 1; i <= RUNS; i++) {
                // a seed per run: no two runs write the same checkpoint bytes, so a row naming another run's object
                // could not pass for its own
                ObjectNode input = new ObjectMapper().createObjectNode().put("dataset", DATASET).put("imageSize", 64)
                        .put("iterations", ITERATIONS).put("checkpointInterval", 1).put("seed", i);
                WorkflowStub stub = client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE,
                        WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(workflowId(i))
                                .setWorkflowRunTimeout(Duration.ofMinutes(20)).build());
                stub.start(input);
                runs.add(stub);
            }
            for (int i = 0; i < runs.size(); i++) {
                if (!worker.isAlive()) {
                    throw new AssertionError("the worker died:\n" + tail(log));
                }
                try {
                    results.put(workflowId(i + 1), runs.get(i).getResult(15, TimeUnit.MINUTES, PipelineResult.class));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError(workflowId(i + 1) + " did not finish:\n" + tail(log), e);
                }
            }
        } finally {
            worker.destroy(); // SIGTERM: the worker stops gracefully and its log is complete
            if (!worker.waitFor(60, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);
        return new Run(stack, admin, store, stubs, client, Map.copyOf(results), log, password, wall, dir);
    }

    /**
     * The deployment's roles on the stack's database: roles.sql and worker-grants.sql as the deployment applies
     * them (the stack migrated into schema public), a password for the worker role, and the server told to check
     * it (the embedded server trusts every local connection otherwise).
     */
    private static void workerRole(EmbeddedStack stack, Database admin, String password) throws IOException {
        try (Connection c = admin.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(Files.readString(SQL.resolve("roles.sql")));
            s.execute("ALTER ROLE " + WORKER_ROLE + " PASSWORD '" + password + "'"); // [a-z0-9-] only
            s.execute("SET search_path = public");
            s.execute(Files.readString(SQL.resolve("worker-grants.sql")));
            Path hba = stack.postgresDir().resolve("pg_hba.conf");
            Files.writeString(hba, "host all " + WORKER_ROLE + " 127.0.0.1/32 scram-sha-256\n"
                    + "host all " + WORKER_ROLE + " ::1/128 scram-sha-256\n" + Files.readString(hba));
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the worker role: " + e.getMessage(), e);
        }
    }

    static String random(int n) {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(r.nextInt(36)));
        }
        return sb.toString();
    }

    /** A log's bytes as text; Latin-1 reads any byte, and every secret is ASCII. */
    static String text(Path log) throws IOException {
        return new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static String tail(Path log) {
        try {
            List<String> lines = text(log).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
