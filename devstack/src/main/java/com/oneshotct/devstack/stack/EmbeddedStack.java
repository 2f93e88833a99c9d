package com.oneshotct.devstack.stack;

import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.embedded.EmbeddedTemporal;
import com.oneshotct.worker.runtime.WorkerRuntime;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.Reconciler;
import com.oneshotct.worker.temporal.TemporalConfig;
import io.minio.BucketExistsArgs;
import io.temporal.client.WorkflowClient;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The platform's services in this JVM, on loopback: PostgreSQL (data kept under the state folder, migrated; password
 * logins only, the password made at the folder's first start and kept in {@code postgres.password}, mode 600),
 * S3Proxy (objects kept under the state folder, fresh random keys each start, the bucket created) and Temporal's
 * test server (in memory). {@link #environment()} is what a worker or {@code oneshot run} needs to reach them; it
 * is also written to {@code <stateDir>/stack.env} (mode 600: it holds the keys) for {@code source}. A start after a
 * restart marks lost the runs the registry shows unended: their workflows died with the previous Temporal
 * ({@link #lostAtStart()}).
 */
public final class EmbeddedStack implements AutoCloseable {

    public static final String DATABASE = "oneshot";
    public static final String BUCKET = "oneshot";
    public static final String ENV_FILE = "stack.env";
    /** The registry's password, made at the state folder's first start (mode 600). */
    public static final String DB_PASSWORD_FILE = "postgres.password";
    /** Variables never printed: they are in the env file only. */
    public static final Set<String> SECRET_VARS = Set.of(DbConfig.PASSWORD_VAR, S3Config.ACCESS_KEY_VAR,
            S3Config.SECRET_KEY_VAR);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    /** The three ports; 0 picks a free one. */
    public record Ports(int temporal, int db, int s3) {
        public static final Ports DEFAULTS = new Ports(7233, 55432, 59000);
        public static final Ports ANY = new Ports(0, 0, 0);

        public Ports {
            check(temporal, "Temporal");
            check(db, "PostgreSQL");
            check(s3, "S3");
        }

        private static void check(int port, String what) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(what + " port must be 0 (any free port) to 65535, got " + port);
            }
        }
    }

    private final Path stateDir;
    private final EmbeddedPostgres postgres;
    private final EmbeddedS3 s3;
    private final EmbeddedTemporal temporal;
    private final Map<String, String> environment;
    private final List<Reconciler.Finding> lostAtStart;
    private boolean closed;

    private EmbeddedStack(Path stateDir, EmbeddedPostgres postgres, EmbeddedS3 s3, EmbeddedTemporal temporal,
                          Map<String, String> environment, List<Reconciler.Finding> lostAtStart) {
        this.stateDir = stateDir;
        this.postgres = postgres;
        this.s3 = s3;
        this.temporal = temporal;
        this.environment = environment;
        this.lostAtStart = lostAtStart;
    }

    /** Starts the three services with their data under {@code stateDir}; on any failure none is left running. */
    public static EmbeddedStack start(Path stateDir, Ports ports) {
        Path dir = stateDir.toAbsolutePath();
        checkFree(ports.temporal(), "Temporal", "--temporal-port");
        checkFree(ports.db(), "PostgreSQL", "--db-port");
        checkFree(ports.s3(), "S3", "--s3-port");
        createPrivateDirectory(dir);
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            String password = dbPassword(dir.resolve(DB_PASSWORD_FILE));
            EmbeddedPostgres pg = EmbeddedPostgresSupport.startSecured(dir.resolve("postgres"), ports.db(), password);
            started.push(pg);
            DbConfig db = EmbeddedPostgresSupport.createDatabase(pg, DATABASE,
                    (url, user, none) -> new DbConfig(url, user, password));
            try (Database d = Database.open(db)) {
                d.migrate();
            }
            EmbeddedS3 s3 = EmbeddedS3.filesystemStore(dir.resolve("s3"), ports.s3(), randomKey(20), secretKey());
            started.push(s3);
            createBucket(s3);
            EmbeddedTemporal temporal = EmbeddedTemporal.start(ports.temporal());
            started.push(temporal);
            List<Reconciler.Finding> lost = markLostRuns(db, temporal);

            Map<String, String> env = new LinkedHashMap<>();
            env.put(TemporalConfig.ADDRESS_VAR, temporal.address());
            env.put(TemporalConfig.NAMESPACE_VAR, TemporalConfig.DEFAULT_NAMESPACE);
            env.put(DbConfig.URL_VAR, db.url());
            env.put(DbConfig.USER_VAR, db.user());
            env.put(DbConfig.PASSWORD_VAR, password);
            env.put(S3Config.ENDPOINT_VAR, s3.endpoint());
            env.put(S3Config.ACCESS_KEY_VAR, s3.accessKey());
            env.put(S3Config.SECRET_KEY_VAR, s3.secretKey());
            env.put(S3Config.BUCKET_VAR, BUCKET);
            env.put(WorkerRuntime.STICKY_VAR, "false");
            EmbeddedStack stack = new EmbeddedStack(dir, pg, s3, temporal, Collections.unmodifiableMap(env), lost);
            EnvFile.write(dir.resolve(ENV_FILE), env);
            return stack;
        } catch (RuntimeException | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    /** TEMPORAL_*, ONESHOT_DB_*, ONESHOT_S3_*, ONESHOT_STICKY_WORKFLOWS=false: every variable a worker needs, secrets included. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The runs this start marked lost: unended in the registry, unknown to the new Temporal. */
    public List<Reconciler.Finding> lostAtStart() {
        return lostAtStart;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path envFile() {
        return stateDir.resolve(ENV_FILE);
    }

    public Path postgresDir() {
        return stateDir.resolve("postgres");
    }

    public Path objectDir() {
        return stateDir.resolve("s3");
    }

    /** Stops Temporal, S3Proxy and PostgreSQL and removes the env file, whose keys and ports are then dead. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Deque<AutoCloseable> running = new ArrayDeque<>();
        running.push(postgres);
        running.push(s3);
        running.push(temporal);
        RuntimeException failure = null;
        try {
            Files.deleteIfExists(envFile());
        } catch (IOException e) {
            failure = new UncheckedIOException("cannot remove " + envFile(), e);
        }
        failure = closeAll(running, failure);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes in reverse start order, attaching every failure to {@code first} (or the first one seen). */
    private static <T extends Throwable> T closeAll(Deque<AutoCloseable> started, T first) {
        T failure = first;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    @SuppressWarnings("unchecked")
                    T asFailure = (T) (e instanceof RuntimeException r ? r : new IllegalStateException(e));
                    failure = asFailure;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    /** A taken port fails here with the option to change, before anything starts. */
    private static void checkFree(int port, String what, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " port " + port + " on 127.0.0.1 is in use; choose another with "
                    + option + ", or 0 for any free port");
        }
    }

    private static void createPrivateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                // the database files, the objects and the env file with its keys are this user's alone
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the stack's state folder " + dir, e);
        }
    }

    private static void createBucket(EmbeddedS3 s3) {
        MinioClient client = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create bucket '" + BUCKET + "' on " + s3.endpoint() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The new Temporal knows no workflow, so every run the registry shows unended is one the previous stack's Temporal
     * took with it: each ends lost, with the reason (the same pass as {@code oneshot runs reconcile}).
     */
    private static List<Reconciler.Finding> markLostRuns(DbConfig db, EmbeddedTemporal temporal) {
        TemporalConfig t = new TemporalConfig(temporal.address(), TemporalConfig.DEFAULT_NAMESPACE);
        WorkflowClient client = Clients.connect(t);
        try (Database d = Database.open(db)) {
            return new Reconciler(d.registry(), client, t.address() + ", namespace " + t.namespace()
                    + " (the stack restarted)").reconcile(false).stream().filter(Reconciler.Finding::marked).toList();
        } finally {
            client.getWorkflowServiceStubs().shutdown();
        }
    }

    /** The registry's password: read from {@code file}, or made and written there (mode 600) at the first start. */
    static String dbPassword(Path file) {
        try {
            if (Files.exists(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (kept.length() < 16) {
                    throw new IllegalStateException(file + " does not hold the stack's registry password (too short)");
                }
                return kept;
            }
            String made = secretKey();
            Path tmp = Files.createTempFile(file.getParent(), ".postgres", ".password",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, made + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the registry password in " + file, e);
        }
    }

    /** An access key in AWS's style: upper-case letters and digits. */
    static String randomKey(int length) {
        char[] key = new char[length];
        for (int i = 0; i < length; i++) {
            key[i] = KEY_CHARS[RANDOM.nextInt(KEY_CHARS.length)];
        }
        return new String(key);
    }

    /** 240 random bits, URL-safe base64 (40 characters). */
    static String secretKey() {
        byte[] bytes = new byte[30];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
