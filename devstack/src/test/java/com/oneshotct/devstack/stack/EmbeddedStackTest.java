package com.oneshotct.devstack.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Run;
import com.oneshotct.db.RunStatus;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.messages.Bucket;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStackTest {

    @WorkflowInterface
    public interface Greeting {
        @WorkflowMethod
        String greet(String name);
    }

    public static class GreetingImpl implements Greeting {
        @Override
        public String greet(String name) {
            return "hello " + name;
        }
    }

    @TempDir
    Path state;

    @Test
    void itsEnvironmentReachesAllThreeServicesAndCloseStopsThem() throws Exception {
        Map<String, String> env;
        List<Integer> ports;
        try (EmbeddedStack stack = EmbeddedStack.start(state, EmbeddedStack.Ports.ANY)) {
            env = stack.environment();
            assertEquals(Map.copyOf(env), Map.copyOf(EnvFile.read(stack.envFile())),
                    "the file holds exactly the environment");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.envFile())));

            try (Database db = Database.open(DbConfig.fromEnvironment(env))) {
                db.validate(); // migrated: every migration on the class path is applied
                db.registry().runs().register(new NewRun("wf-stack", null, "{}", "h", "dev", "resnet18", "d"));
            }

            MinioClient s3 = MinioClient.builder().endpoint(env.get("ONESHOT_S3_ENDPOINT"))
                    .credentials(env.get("ONESHOT_S3_ACCESS_KEY"), env.get("ONESHOT_S3_SECRET_KEY")).build();
            assertEquals(List.of(env.get("ONESHOT_S3_BUCKET")), s3.listBuckets().stream().map(Bucket::name).toList());
            byte[] body = "kept on disk".getBytes(StandardCharsets.UTF_8);
            s3.putObject(PutObjectArgs.builder().bucket("oneshot").object("datasets/x/a.txt")
                    .stream(new ByteArrayInputStream(body), body.length, -1).build());

            assertEquals("hello stack", runWorkflowThrough(TemporalConfig.fromEnvironment(env)));

            ports = List.of(port(env.get("TEMPORAL_ADDRESS")), URI.create(env.get("ONESHOT_S3_ENDPOINT")).getPort(),
                    Integer.parseInt(env.get("ONESHOT_DB_URL").replaceAll(".*:(\\d+)/.*", "$1")));
        }
        for (int port : ports) {
            assertFalse(listening(port), "port " + port + " still answers after close");
        }
        assertFalse(Files.exists(state.resolve(EmbeddedStack.ENV_FILE)), "a stopped stack leaves no live keys");

        // the database and the objects outlive a restart; the keys do not
        try (EmbeddedStack again = EmbeddedStack.start(state, EmbeddedStack.Ports.ANY)) {
            Map<String, String> env2 = again.environment();
            assertFalse(env2.get("ONESHOT_S3_SECRET_KEY").equals(env.get("ONESHOT_S3_SECRET_KEY")));
            try (Database db = Database.open(DbConfig.fromEnvironment(env2))) {
                assertEquals("wf-stack", db.registry().runs().get("wf-stack").workflowId());
            }
            MinioClient s3 = MinioClient.builder().endpoint(env2.get("ONESHOT_S3_ENDPOINT"))
                    .credentials(env2.get("ONESHOT_S3_ACCESS_KEY"), env2.get("ONESHOT_S3_SECRET_KEY")).build();
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket("oneshot").object("datasets/x/a.txt")
                    .build())) {
                assertEquals("kept on disk", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aTakenPortIsRefusedByNameAndNothingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddedStack.start(
                    state, new EmbeddedStack.Ports(0, 0, taken.getLocalPort())));
            assertEquals("S3 port " + taken.getLocalPort() + " on 127.0.0.1 is in use; choose another with --s3-port,"
                    + " or 0 for any free port", e.getMessage());
        }
        assertFalse(Files.exists(state.resolve(EmbeddedStack.ENV_FILE)));
    }

    @Test
    void theRegistryTakesOnlyItsPasswordAndARestartEndsUnfinishedRunsAsLost() throws Exception {
        String url;
        String password;
        try (EmbeddedStack stack = EmbeddedStack.start(state, EmbeddedStack.Ports.ANY)) {
            Map<String, String> env = stack.environment();
            url = env.get("ONESHOT_DB_URL");
            password = env.get("ONESHOT_DB_PASSWORD");
            assertTrue(password.length() >= 32, "a random password per stack");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    state.resolve(EmbeddedStack.DB_PASSWORD_FILE))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.envFile())));
            String hba = Files.readString(stack.postgresDir().resolve("pg_hba.conf"));
            assertFalse(hba.contains("trust"), hba);
            assertRefused(url, "postgres", "wrong-" + password);
            assertRefused(url, "postgres", "");
            try (Connection c = DriverManager.getConnection(url, "postgres", password)) {
                assertTrue(c.isValid(5));
            }
            try (Database db = Database.open(DbConfig.fromEnvironment(env))) {
                db.registry().runs().register(new NewRun("wf-unfinished", null, "{}", "h", "dev", "resnet18", "d"));
                db.registry().runs().updateStatus("wf-unfinished", RunStatus.RUNNING, null);
                db.registry().runs().register(new NewRun("wf-finished", null, "{}", "h", "dev", "resnet18", "d"));
                db.registry().runs().updateStatus("wf-finished", RunStatus.SUCCEEDED, null);
            }
            assertEquals(List.of(), stack.lostAtStart());
        }
        try (EmbeddedStack again = EmbeddedStack.start(state, EmbeddedStack.Ports.ANY)) {
            Map<String, String> env = again.environment();
            assertEquals(password, env.get("ONESHOT_DB_PASSWORD"), "the stack keeps its password");
            assertEquals(List.of("wf-unfinished"), again.lostAtStart().stream().map(f -> f.workflowId()).toList());
            try (Database db = Database.open(DbConfig.fromEnvironment(env))) {
                Run lost = db.registry().runs().get("wf-unfinished");
                assertEquals(RunStatus.LOST, lost.status());
                assertTrue(lost.error().contains("does not know workflow 'wf-unfinished'"), lost.error());
                assertEquals(RunStatus.SUCCEEDED, db.registry().runs().get("wf-finished").status());
            }
            assertRefused(env.get("ONESHOT_DB_URL"), "postgres", "wrong-" + password);
        }
    }

    /** A data directory from before passwords (trusting every local login) is closed at its next start. */
    @Test
    void aTrustingDataDirectoryFromBeforeGetsThePasswordAtItsNextStart() throws Exception {
        Path data = state.resolve("postgres");
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres old =
                EmbeddedPostgresSupport.startPersistent(data, 0);
        old.close();
        assertTrue(Files.readString(data.resolve("pg_hba.conf")).contains("trust"), "zonky's initdb trusts");
        try (EmbeddedStack stack = EmbeddedStack.start(state, EmbeddedStack.Ports.ANY)) {
            String url = stack.environment().get("ONESHOT_DB_URL");
            String password = stack.environment().get("ONESHOT_DB_PASSWORD");
            assertFalse(Files.readString(data.resolve("pg_hba.conf")).contains("trust"));
            long deadline = System.nanoTime() + 10_000_000_000L; // the server reloads pg_hba.conf on a signal
            while (true) {
                try {
                    assertRefused(url, "postgres", "");
                    break;
                } catch (AssertionError stillOpen) {
                    if (System.nanoTime() > deadline) {
                        throw stillOpen;
                    }
                    Thread.sleep(100);
                }
            }
            try (Connection c = DriverManager.getConnection(url, "postgres", password)) {
                assertTrue(c.isValid(5));
            }
        }
    }

    private static void assertRefused(String url, String user, String password) {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, user, password)
                .close(), "a login with password '" + (password.isEmpty() ? "" : "wrong-...") + "' is refused");
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void envFileQuotesSoTheShellTakesValuesLiterally() {
        assertEquals("'a b'", EnvFile.quote("a b"));
        // it's -> 'it'\''s' : close the quote, an escaped quote, reopen
        assertEquals("'it'\\''s'", EnvFile.quote("it's"));
        Path f = state.resolve("x.env");
        Map<String, String> env = Map.of("A", "it's $HOME", "B", "");
        EnvFile.write(f, env);
        assertEquals(env, EnvFile.read(f));
    }

    /** A worker and a client in this JVM, on fresh stubs to the address: what another process would do. */
    private static String runWorkflowThrough(TemporalConfig config) {
        WorkflowClient client = Clients.connect(config);
        WorkerFactory factory = WorkerFactory.newInstance(client);
        try {
            Worker worker = factory.newWorker("stack-test");
            worker.registerWorkflowImplementationTypes(GreetingImpl.class);
            factory.start();
            Greeting g = client.newWorkflowStub(Greeting.class, WorkflowOptions.newBuilder()
                    .setTaskQueue("stack-test").setWorkflowExecutionTimeout(Duration.ofSeconds(30)).build());
            return g.greet("stack");
        } finally {
            factory.shutdownNow();
            client.getWorkflowServiceStubs().shutdownNow();
        }
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
