package com.oneshotct.activities.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.MissingObjectException;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.PushSummary;
import com.oneshotct.activities.store.S3Fixture;
import com.oneshotct.activities.store.StoreUnavailableException;
import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCacheTest {
    @TempDir
    Path tmp;
    S3Fixture fx;
    ObjectStore store;
    DatasetCache cache;

    @BeforeEach
    void start() {
        fx = new S3Fixture();
        store = fx.store;
        cache = new DatasetCache(tmp.resolve("cache"));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private PushSummary pushed(String name, String tag) throws IOException {
        Path dir = tmp.resolve("src-" + name);
        S3Fixture.writeDataset(dir, tag);
        return new DatasetPush(store).push(dir, name);
    }

    @Test
    void roundTripGivesTheSameBytesAndASecondFetchDownloadsNothing() throws IOException {
        PushSummary p = pushed("demo", "round trip");
        List<Long> progress = new ArrayList<>();
        FetchedDataset f = cache.fetch(store, "demo", progress::add);

        assertEquals(new FetchedDataset(p.datasetId(), cache.datasetDir(p.datasetId()), p.files(), p.bytes(),
                p.files(), p.bytes()), f);
        // one per file downloaded, then the content check repeats the count while it decodes: once after the
        // segmentation part, once per classification image (3)
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 9L, 9L, 9L, 9L), progress);
        Path src = tmp.resolve("src-demo");
        Manifest m = Manifest.read(src.resolve("manifest.json"));
        assertEquals(-1, Files.mismatch(src.resolve("manifest.json"), f.root().resolve("manifest.json")));
        m.verify(f.root()); // every file there with the manifest's size and hash, nothing else
        for (Manifest.Entry e : m.files()) {
            assertEquals(-1, Files.mismatch(src.resolve(e.path()), f.root().resolve(e.path())), e.path());
            Path blob = cache.root().resolve("blobs/sha256/" + e.sha256().substring(0, 2) + "/" + e.sha256());
            assertTrue(Files.isSameFile(blob, f.root().resolve(e.path())), "hard-linked to its blob: " + e.path());
        }
        assertEquals(List.of(), children(cache.root().resolve("tmp")), "no temporary file is left");

        FetchedDataset again = cache.fetch(store, "demo");
        assertEquals(new FetchedDataset(p.datasetId(), f.root(), p.files(), p.bytes(), 0, 0), again);
        FetchedDataset otherInstance = new DatasetCache(cache.root()).fetch(store, "demo");
        assertEquals(0, otherInstance.downloadedFiles(), "the cache is on disk, not in the object");
    }

    @Test
    void aDatasetSharingFilesDownloadsOnlyTheNewOnes() throws IOException {
        pushed("first", "first tag");
        cache.fetch(store, "first");
        PushSummary second = pushed("second", "second tag");
        FetchedDataset f = cache.fetch(store, "second");
        // the datasets differ only in notes.txt ("second tag", 10 bytes)
        assertEquals(1, f.downloadedFiles());
        assertEquals(10, f.downloadedBytes());
        assertEquals(second.datasetId(), f.datasetId());
    }

    @Test
    void aCorruptObjectIsNamedAndNeverCachedWhileGoodBlobsStay() throws IOException {
        PushSummary p = pushed("bad", "corrupt me");
        // manifest order is path order: classification/... and notes.txt come before segmentation/test/imgs/b.png
        Path good = tmp.resolve("src-bad/segmentation/test/imgs/b.png");
        String key = "datasets/bad/blobs/" + Manifest.sha256(good);
        Manifest m = Manifest.read(tmp.resolve("src-bad/manifest.json"));
        byte[] other = Files.readAllBytes(good);
        other[other.length / 2] ^= 1; // same size, other bytes
        store.put(key, other);

        BadDatasetException e = assertThrows(BadDatasetException.class, () -> cache.fetch(store, "bad"));
        assertTrue(e.getMessage().contains("'oneshot/" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("does not match the manifest"), e.getMessage());
        String badSha = Manifest.sha256(good); // the manifest's hash for it; the blob must not exist under it
        assertFalse(Files.exists(cache.blob(badSha)));
        assertEquals(List.of(), children(cache.root().resolve("tmp")));
        assertEquals(List.of(), children(cache.root().resolve("datasets")), "no dataset folder was published");
        int before = 0;
        for (Manifest.Entry en : m.files()) {
            if (en.path().compareTo("segmentation/test/imgs/b.png") < 0) {
                assertTrue(Files.exists(cache.blob(en.sha256())), "good blob kept: " + en.path());
                before++;
            }
        }
        assertEquals(5, before); // 3 classification images, the list file and notes.txt

        store.put(key, Files.readAllBytes(good)); // the object is fixed
        FetchedDataset f = cache.fetch(store, "bad");
        assertEquals(p.files() - before, f.downloadedFiles(), "the blobs kept are not downloaded again");
        m.verify(f.root());
    }

    @Test
    void aMissingObjectIsBadDataAndAMissingManifestIsNotFound() throws IOException {
        pushed("holes", "holes");
        String notes = "datasets/holes/blobs/" + Manifest.sha256(tmp.resolve("src-holes/notes.txt"));
        store.delete(notes);
        BadDatasetException e = assertThrows(BadDatasetException.class, () -> cache.fetch(store, "holes"));
        assertTrue(e.getMessage().contains("'oneshot/" + notes + "' is listed in the manifest but missing"),
                e.getMessage());

        MissingObjectException none = assertThrows(MissingObjectException.class, () -> cache.fetch(store, "nope"));
        assertEquals("datasets/nope/latest", none.key());
        assertTrue(none.getMessage().contains("dataset 'nope' has no version"), none.getMessage());
    }

    @Test
    void malformedManifestsAreBadDataNamingTheProblem() {
        String sha = "a".repeat(64);
        Map<String, String> cases = Map.of(
                "{\"format\":1,\"name\":\"x\",\"files\":[", "malformed manifest JSON",
                "{\"format\":2,\"name\":\"x\",\"files\":[]}", "unsupported manifest format 2",
                "[1,2]", "must be a JSON object",
                "{\"format\":1,\"name\":\"x\",\"files\":[{\"path\":\"a\",\"size\":1,\"sha256\":\"" + sha + "\"},"
                        + "{\"path\":\"a\",\"size\":1,\"sha256\":\"" + sha + "\"}]}", "lists a twice",
                "{\"format\":1,\"name\":\"x\",\"files\":[{\"path\":\"a\",\"size\":1,\"sha256\":\"" + sha + "\"},"
                        + "{\"path\":\"a/b\",\"size\":1,\"sha256\":\"" + sha + "\"}]}", "lists both a and a/b",
                "{\"format\":1,\"name\":\"x\",\"files\":[{\"path\":\"a\",\"size\":-1,\"sha256\":\"" + sha + "\"}]}",
                "size must be a non-negative integer");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            store.put("datasets/broken/manifest.json", c.getKey().getBytes(StandardCharsets.UTF_8));
            BadDatasetException e = assertThrows(BadDatasetException.class, () -> cache.fetch(store, "broken"),
                    c.getKey());
            assertTrue(e.getMessage().startsWith("dataset 'broken': manifest 'oneshot/datasets/broken/manifest.json'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " in " + e.getMessage());
        }
    }

    @Test
    void unsafePathsAreRefusedAndNothingIsWrittenOutsideTheCache() throws IOException {
        String sha = Manifest.sha256(Files.writeString(tmp.resolve("payload"), "evil"));
        for (String path : new String[] {"../evil", "/abs/evil", "a/../../evil", "a\\..\\evil", "C:evil"}) {
            String json = "{\"format\":1,\"name\":\"x\",\"files\":[{\"path\":" + quote(path) + ",\"size\":4,"
                    + "\"sha256\":\"" + sha + "\"}]}";
            store.put("datasets/unsafe/manifest.json", json.getBytes(StandardCharsets.UTF_8));
            BadDatasetException e = assertThrows(BadDatasetException.class, () -> cache.fetch(store, "unsafe"), path);
            assertTrue(e.getMessage().contains("path"), e.getMessage());
        }
        assertEquals(List.of(tmp.resolve("cache"), tmp.resolve("payload")), children(tmp));
        assertEquals(List.of(tmp.resolve("cache/blobs/sha256")), descendantsOf(tmp.resolve("cache/blobs")));
        assertEquals(List.of(), children(cache.root().resolve("datasets")));
        assertEquals(List.of(), children(cache.root().resolve("tmp")));
    }

    @Test
    void aFileDamagedInTheCacheIsFetchedAgain() throws IOException {
        pushed("heal", "heal me");
        FetchedDataset f = cache.fetch(store, "heal");
        Path file = f.root().resolve("segmentation/train/masks/a.png");
        byte[] good = Files.readAllBytes(file);
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 1; // same size, so only the hash can tell
        file.toFile().setWritable(true);
        Files.write(file, damaged);
        FetchedDataset again = cache.fetch(store, "heal");
        assertEquals(1, again.downloadedFiles());
        byte[] healed = Files.readAllBytes(again.root().resolve("segmentation/train/masks/a.png"));
        assertEquals(-1, Arrays.mismatch(good, healed));
        Manifest.read(again.root().resolve("manifest.json")).verify(again.root());
    }

    @Test
    void concurrentFetchesInOneJvmDownloadEachFileOnce() throws Exception {
        PushSummary p = pushed("busy", "busy");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<FetchedDataset>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // separate cache objects on one root share the lock too
                DatasetCache c = i % 2 == 0 ? cache : new DatasetCache(cache.root());
                runs.add(pool.submit(() -> c.fetch(store, "busy")));
            }
            int downloaded = 0;
            for (Future<FetchedDataset> r : runs) {
                FetchedDataset f = r.get();
                assertEquals(cache.datasetDir(p.datasetId()), f.root());
                downloaded += f.downloadedFiles();
            }
            assertEquals(p.files(), downloaded);
        } finally {
            pool.shutdownNow();
        }
        Manifest.read(cache.datasetDir(p.datasetId()).resolve("manifest.json")).verify(cache.datasetDir(p.datasetId()));
    }

    @Test
    void aStoppedStoreIsUnavailable() throws IOException {
        pushed("gone", "gone");
        fx.stopService();
        assertThrows(StoreUnavailableException.class, () -> cache.fetch(store, "gone"));
        assertEquals(List.of(), children(cache.root().resolve("tmp")));
    }

    @Test
    void theRootComesFromTheEnvironment() {
        assertEquals(Path.of("/data/cache"), DatasetCache.defaultRoot(Map.of("ONESHOT_CACHE_DIR", "/data/cache")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "oneshot"), DatasetCache.defaultRoot(Map.of()));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\") + "\"";
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static List<Path> descendantsOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }
}
