package com.oneshotct.activities.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.DatasetVersions;
import com.oneshotct.model.data.Manifest;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.PushSummary;
import com.oneshotct.activities.store.S3Fixture;
import com.oneshotct.activities.store.StoreUnavailableException;
import com.oneshotct.db.Database;
import com.oneshotct.db.Dataset;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Registry;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.workflows.contract.DatasetActivities;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.FetchRequest;
import com.oneshotct.workflows.contract.FetchResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetActivitiesImplTest {
    static Database db;
    static Registry registry;

    @TempDir
    Path tmp;
    S3Fixture fx;
    ObjectStore store;
    DatasetActivitiesImpl activities;

    @BeforeAll
    static void database() {
        db = Database.open(EmbeddedPostgresSupport.createDatabase("store_test", DbConfig::new));
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
        activities = new DatasetActivitiesImpl(store, new DatasetCache(tmp.resolve("cache")), registry);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    /** A registered run and a pushed dataset whose content is unique to this test (so is its id). */
    private String run(String dataset) {
        String wf = "wf-" + UUID.randomUUID();
        registry.runs().register(new NewRun(wf, "temporal-" + wf, "{\"dataset\": \"" + dataset + "\"}",
                "config-hash", "test", "resnext50", dataset));
        return wf;
    }

    private PushSummary push(String name) throws IOException {
        Path dir = tmp.resolve("src-" + name);
        S3Fixture.writeDataset(dir, UUID.randomUUID().toString());
        return new DatasetPush(store).push(dir, name);
    }

    @Test
    void recordsTheDatasetWithItsSplitsAndLinksTheRun() throws IOException {
        PushSummary p = push("cncb-demo");
        String wf = run("cncb-demo");
        List<Long> beats = new ArrayList<>();
        FetchResult r = activities.fetch(new FetchRequest(wf, "cncb-demo"), beats::add);

        assertEquals(new FetchResult(p.datasetId(), p.files(), p.bytes(), p.files(), p.bytes()), r);
        // one per file downloaded, then the content check repeats the count while it decodes: once after the
        // segmentation part, once per classification image (3)
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 9L, 9L, 9L, 9L), beats);
        Dataset d = registry.runs().dataset(p.datasetId());
        assertEquals("cncb-demo", d.name());
        assertEquals("datasets/cncb-demo/", d.objectPrefix());
        assertEquals(p.files(), d.fileCount());
        assertEquals(p.bytes(), d.totalBytes());
        // S3Fixture.writeDataset: seg train a.png, seg test b.png (masks not counted), cls train 2, cls test 1
        assertEquals(Map.of("segmentation/train", 1, "segmentation/test", 1, "classification/train", 2,
                "classification/test", 1), d.splitSizes());
        assertEquals(p.datasetId(), registry.runs().get(wf).datasetId());

        FetchResult retry = activities.fetch(new FetchRequest(wf, "cncb-demo"), v -> { });
        assertEquals(new FetchResult(p.datasetId(), p.files(), p.bytes(), 0, 0), retry, "a retry downloads nothing");
    }

    @Test
    void badDataUnknownDatasetsAndBadNamesAreNonRetryable() throws IOException {
        push("broken");
        Manifest m = new DatasetVersions(store).manifest(new DatasetVersions(store).resolve("broken", null),
                tmp.resolve("m"));
        String notes = m.files().stream().filter(e -> e.path().equals("notes.txt")).findFirst().orElseThrow().sha256();
        store.put("datasets/broken/blobs/" + notes, "other bytes".getBytes(StandardCharsets.UTF_8));
        String wf = run("broken");
        ApplicationFailure bad = assertThrows(ApplicationFailure.class,
                () -> activities.fetch(new FetchRequest(wf, "broken"), v -> { }));
        assertEquals(ErrorTypes.BAD_DATA, bad.getType());
        assertTrue(bad.isNonRetryable());
        assertTrue(bad.getOriginalMessage().contains("'oneshot/datasets/broken/blobs/" + notes + "'"),
                bad.getOriginalMessage());
        assertNull(registry.runs().get(wf).datasetId(), "nothing linked");

        ApplicationFailure none = assertThrows(ApplicationFailure.class,
                () -> activities.fetch(new FetchRequest(wf, "no-such-set"), v -> { }));
        assertEquals(ErrorTypes.NOT_FOUND, none.getType());
        assertTrue(none.isNonRetryable());
        assertTrue(none.getOriginalMessage().startsWith("dataset 'no-such-set' not found in bucket 'oneshot'"),
                none.getOriginalMessage());

        ApplicationFailure name = assertThrows(ApplicationFailure.class,
                () -> activities.fetch(new FetchRequest(wf, "../etc"), v -> { }));
        assertEquals(ErrorTypes.BAD_CONFIG, name.getType());
    }

    @Test
    void anUnknownRunIsNotFoundAndAStoppedStoreIsRetryable() throws IOException {
        push("orphan");
        ApplicationFailure noRun = assertThrows(ApplicationFailure.class,
                () -> activities.fetch(new FetchRequest("wf-never-registered", "orphan"), v -> { }));
        assertEquals(ErrorTypes.NOT_FOUND, noRun.getType());
        assertTrue(noRun.getOriginalMessage().contains("run 'wf-never-registered' not found"),
                noRun.getOriginalMessage());

        String wf = run("orphan");
        fx.stopService();
        assertThrows(StoreUnavailableException.class,
                () -> activities.fetch(new FetchRequest(wf, "orphan"), v -> { }));
    }

    @Test
    void runsAsATemporalActivityWithHeartbeats() throws IOException {
        PushSummary p = push("via-temporal");
        String wf = run("via-temporal");
        TestActivityEnvironment env = TestActivityEnvironment.newInstance();
        try {
            env.registerActivitiesImplementations(activities);
            List<Long> beats = new ArrayList<>();
            env.setActivityHeartbeatListener(Long.class, beats::add);
            DatasetActivities stub = env.newActivityStub(DatasetActivities.class, ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(1))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
            FetchResult r = stub.fetchDataset(new FetchRequest(wf, "via-temporal"));
            assertEquals(p.datasetId(), r.datasetId());
            assertEquals(List.of(1L), beats, "the first file heartbeats at once, the rest fall within 5 s");

            ActivityFailure f = assertThrows(ActivityFailure.class,
                    () -> stub.fetchDataset(new FetchRequest(wf, "missing-set")));
            ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, f.getCause());
            assertEquals(ErrorTypes.NOT_FOUND, cause.getType());
        } finally {
            env.close();
        }
    }

    @Test
    void heartbeatsAreThrottled() {
        List<Long> seen = new ArrayList<>();
        long[] now = {0};
        LongConsumer t = DatasetActivitiesImpl.throttle(seen::add, Duration.ofSeconds(5), () -> now[0]);
        long second = 1_000_000_000L;
        // times in seconds: 0 passes (first), 1 and 4.9 fall in its window, 5 passes, 9 drops, 10 passes
        long[] at = {0, second, 4_900_000_000L, 5 * second, 9 * second, 10 * second};
        for (int i = 0; i < at.length; i++) {
            now[0] = at[i];
            t.accept(i + 1);
        }
        assertEquals(List.of(1L, 4L, 6L), seen);
    }
}
