package com.oneshotct.devstack.bench;

import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.PushSummary;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.model.data.SyntheticCt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What the platform benchmarks run on: the embedded stack (PostgreSQL, S3Proxy, Temporal's test server) in a
 * scratch folder, with one synthetic dataset pushed, and the registry and the store open. Closing stops the stack
 * and deletes the folder.
 */
public final class BenchStack implements AutoCloseable {
    private final Path dir;
    private final EmbeddedStack stack;
    private final Database db;
    private final ObjectStore store;
    private final PushSummary dataset;
    private final Map<String, String> env;

    private BenchStack(Path dir, EmbeddedStack stack, Database db, ObjectStore store, PushSummary dataset,
            Map<String, String> env) {
        this.dir = dir;
        this.stack = stack;
        this.db = db;
        this.store = store;
        this.dataset = dataset;
        this.env = env;
    }

    /** Starts the stack in a fresh temporary folder and pushes {@code data} as dataset {@code name}. */
    public static BenchStack start(SyntheticCt.Options data, String name, Consumer<String> progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("oneshot-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder for the benchmark", e);
        }
        progress.accept("starting the embedded stack in " + dir);
        EmbeddedStack stack = EmbeddedStack.start(dir.resolve("stack"), EmbeddedStack.Ports.ANY);
        Database db = null;
        ObjectStore store = null;
        try {
            db = Database.open(DbConfig.fromEnvironment(stack.environment()));
            store = new ObjectStore(S3Config.fromEnvironment(stack.environment()));
            Path files = dir.resolve("data");
            new SyntheticCt(data).write(files, line -> { });
            PushSummary pushed = new DatasetPush(store).push(files, name);
            progress.accept(String.format(java.util.Locale.ROOT, "pushed dataset '%s': %d files, %.1f MB", name,
                    pushed.files(), pushed.bytes() / 1e6));
            Map<String, String> env = new HashMap<>(stack.environment());
            env.put(DatasetCache.CACHE_DIR_VAR, dir.resolve("cache").toString());
            return new BenchStack(dir, stack, db, store, pushed, Map.copyOf(env));
        } catch (RuntimeException | Error e) {
            if (store != null) {
                store.close();
            }
            if (db != null) {
                db.close();
            }
            stack.close();
            deleteTree(dir);
            throw e;
        }
    }

    /** Every variable a worker or client needs (the stack's, and a dataset cache in the scratch folder). */
    public Map<String, String> env() {
        return env;
    }

    public Path dir() {
        return dir;
    }

    public Database db() {
        return db;
    }

    public ObjectStore store() {
        return store;
    }

    public PushSummary dataset() {
        return dataset;
    }

    @Override
    public void close() {
        try {
            store.close();
            db.close();
            stack.close();
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
