package com.oneshotct.activities.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.PushSummary;
import com.oneshotct.activities.store.S3Fixture;
import com.oneshotct.activities.train.RunFiles;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Registry;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.model.data.Manifest;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.FetchRequest;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is pinned to the dataset version it first fetched: a second push under the same name does not change what
 * its retried fetch, its training or evaluation (a fresh cache, another worker) or a report months later read.
 */
class DatasetPinningTest {
    static Database db;
    static Registry registry;

    @TempDir
    Path tmp;
    S3Fixture fx;
    ObjectStore store;

    @BeforeAll
    static void database() {
        db = Database.open(EmbeddedPostgresSupport.createDatabase("pinning_test", DbConfig::new));
        db.migrate();
        registry = db.registry();
    }

    @AfterAll
    static void closeDatabase() {
        db.close();
    }

    @BeforeEach
    void start() {
        fx = new S3Fixture();
        store = fx.store;
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private String run() {
        String wf = "wf-" + UUID.randomUUID();
        registry.runs().register(new NewRun(wf, "temporal-" + wf, "{}", "config-hash", "test", "resnet18", "ct"));
        return wf;
    }

    private DatasetActivitiesImpl fetcher(String cache) {
        return new DatasetActivitiesImpl(store, new DatasetCache(tmp.resolve(cache)), registry);
    }

    @Test
    void aRunReadsItsVersionWhateverIsPushedAfter() throws IOException {
        Path dir = tmp.resolve("src");
        S3Fixture.writeDataset(dir, "first");
        PushSummary v1 = new DatasetPush(store).push(dir, "ct");
        String first = run();
        assertEquals(v1.datasetId(), fetcher("cache-a").fetch(new FetchRequest(first, "ct"), d -> { }).datasetId());

        Files.writeString(dir.resolve("notes.txt"), "second version of the notes");
        Files.delete(dir.resolve("manifest.json"));
        PushSummary v2 = new DatasetPush(store).push(dir, "ct");
        assertTrue(v2.newVersion());

        // a retried fetch of the first run on a fresh worker: its version, not the newest
        assertEquals(v1.datasetId(), fetcher("cache-b").fetch(new FetchRequest(first, "ct"), d -> { }).datasetId());
        // its training and evaluation stages, on a fresh cache: the bytes of its version
        Path root = new RunFiles(store, new DatasetCache(tmp.resolve("cache-c")), tmp.resolve("work"))
                .dataset("ct", v1.datasetId()).root();
        Manifest.read(root.resolve(Manifest.FILE_NAME)).verify(root);
        assertEquals(v1.datasetId(), Manifest.id(root.resolve(Manifest.FILE_NAME)));
        assertTrue(!Files.readString(root.resolve("notes.txt")).contains("second version"));

        // a new run takes the newest; one that names the first version by its prefix gets that
        assertEquals(v2.datasetId(), fetcher("cache-d").fetch(new FetchRequest(run(), "ct"), d -> { }).datasetId());
        assertEquals(v1.datasetId(), fetcher("cache-e").fetch(new FetchRequest(run(), "ct",
                v1.datasetId().substring(0, 10)), d -> { }).datasetId());
        assertEquals(java.util.List.of(first), registry.runs().usingDataset(v1.datasetId()).subList(0, 1));

        ApplicationFailure unknown = assertThrows(ApplicationFailure.class, () -> fetcher("cache-f")
                .fetch(new FetchRequest(run(), "ct", "00000000"), d -> { }));
        assertEquals(ErrorTypes.NOT_FOUND, unknown.getType());
        assertTrue(unknown.getOriginalMessage().contains("has no version 00000000")
                && unknown.getOriginalMessage().contains(v1.datasetId().substring(0, 12)), unknown.getOriginalMessage());
    }
}
