package com.oneshotct.activities.badinput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.oneshotct.activities.fetch.DatasetActivitiesImpl;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.DatasetName;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.S3Fixture;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.Registry;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.Manifest;
import com.oneshotct.model.data.Slices;
import com.oneshotct.workflows.contract.FetchRequest;
import com.oneshotct.workflows.contract.FetchResult;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus's {@code fetch} rows: each dataset is pushed to S3Proxy as its case says and fetched through the real
 * fetch activity, cache and registry. A refused dataset must leave the test folder as it was, verified blobs aside.
 */
class FetchCorpusTest {
    static Database db;
    static Registry registry;
    static S3Fixture fx;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        db = Database.open(EmbeddedPostgresSupport.createDatabase("bad_input_fetch", DbConfig::new));
        db.migrate();
        registry = db.registry();
        fx = new S3Fixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
        db.close();
    }

    @TestFactory
    Stream<DynamicTest> everyDatasetCase() {
        return Corpus.layer("fetch").stream().map(c -> dynamicTest(c.toString(), () -> fetch(c)));
    }

    private void fetch(Corpus.Case c) throws IOException {
        Path work = Files.createDirectories(tmp.resolve(c.name()));
        String datasetId = upload(c.name(), work.resolve("src"));
        String wf = "run-" + c.name();
        registry.runs().register(new NewRun(wf, "temporal-" + wf, "{}", "config-hash", "test", "resnet18",
                c.name()));
        DatasetActivitiesImpl activities =
                new DatasetActivitiesImpl(fx.store, new DatasetCache(work.resolve("cache")), registry);
        Map<String, String> before = Corpus.tree(work);

        if (c.accepted()) {
            FetchResult r = activities.fetch(new FetchRequest(wf, c.name()), done -> { });
            assertEquals(datasetId, r.datasetId());
            assertEquals(datasetId, registry.runs().get(wf).datasetId());
            Path file = work.resolve("cache/datasets").resolve(datasetId).resolve(c.fragments().get(0));
            GreyImage img = Slices.readSlice(file);
            int[] expected = Arrays.stream(c.fragments().get(1).split(",")).mapToInt(Integer::parseInt).toArray();
            int[] got = new int[img.pixels().length];
            for (int i = 0; i < got.length; i++) {
                got[i] = img.pixels()[i] & 0xff;
            }
            assertArrayEquals(expected, got, c.fragments().get(0));
            return;
        }
        ApplicationFailure f = assertThrows(ApplicationFailure.class,
                () -> activities.fetch(new FetchRequest(wf, c.name()), done -> { }));
        assertEquals(c.expected(), f.getType());
        assertTrue(f.isNonRetryable());
        String message = f.getOriginalMessage();
        assertTrue(message.startsWith("dataset '" + c.name() + "'"), message);
        for (String fragment : c.fragments()) {
            assertTrue(message.contains(fragment), () -> "no '" + fragment + "' in: " + message);
        }
        assertNull(registry.runs().get(wf).datasetId(), "the run is not linked");
        assertThrows(NotFoundException.class, () -> registry.runs().dataset(datasetId), "no dataset row");
        assertNothingWritten(before, Corpus.tree(work));
    }

    /** Pushes the case's dataset, or uploads its files and own manifest object by object; returns the dataset id. */
    private static String upload(String name, Path src) throws IOException {
        Map<String, byte[]> files = Corpus.compose(name);
        if (!Corpus.ownManifest(name)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path f = src.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            }
            return new DatasetPush(fx.store).push(src, name).datasetId();
        }
        byte[] manifest = files.remove(Manifest.FILE_NAME);
        files.forEach((path, bytes) -> fx.store.put(DatasetName.prefix(name) + path, bytes));
        return fx.store.put(DatasetName.manifestKey(name), manifest).sha256();
    }

    /**
     * Only new blobs may appear, each named by its own SHA-256 (so verified) and only under {@code cache/blobs};
     * nothing may change or vanish, and no dataset folder or temporary file may be left.
     */
    static void assertNothingWritten(Map<String, String> before, Map<String, String> after) {
        before.forEach((path, what) -> assertEquals(what, after.get(path), "changed or removed: " + path));
        after.forEach((path, what) -> {
            if (before.containsKey(path)) {
                return;
            }
            assertTrue(path.startsWith("cache/blobs/sha256/"), "written outside the blob store: " + path);
            String name = path.substring(path.lastIndexOf('/') + 1);
            assertTrue(what.equals("dir") || what.equals(name), "a blob not named by its content: " + path);
        });
    }
}
