package com.oneshotct.activities.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.DataException;
import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetPushTest {
    @TempDir
    Path tmp;
    S3Fixture fx;
    ObjectStore store;
    DatasetPush push;

    @BeforeEach
    void start() {
        fx = new S3Fixture();
        store = fx.store;
        push = new DatasetPush(store);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void uploadsEveryFileAsABlobAndTheManifestAsAVersion() throws IOException {
        Path dir = tmp.resolve("ds");
        Map<String, byte[]> files = S3Fixture.writeDataset(dir, "one");
        PushSummary s = push.push(dir, "demo-1");

        Path manifestFile = dir.resolve("manifest.json");
        assertTrue(Files.isRegularFile(manifestFile), "push writes the manifest into the folder");
        Manifest m = Manifest.read(manifestFile);
        assertEquals("demo-1", m.name());
        assertEquals(new PushSummary("demo-1", Manifest.id(manifestFile), "oneshot", "datasets/demo-1/",
                files.size(), S3Fixture.totalBytes(files), files.size(), S3Fixture.totalBytes(files), true, null), s);

        TreeSet<String> expected = new TreeSet<>();
        m.files().forEach(e -> expected.add("datasets/demo-1/blobs/" + e.sha256()));
        expected.add("datasets/demo-1/latest");
        expected.add("datasets/demo-1/versions/" + s.datasetId() + ".json");
        assertEquals(List.copyOf(expected), store.list("datasets/demo-1/").stream().map(ObjectInfo::key).toList());
        for (Manifest.Entry e : m.files()) {
            String key = "datasets/demo-1/blobs/" + e.sha256();
            assertEquals(Optional.of(new ObjectInfo(key, e.size(), e.sha256())), store.stat(key));
        }
        Path back = tmp.resolve("manifest-back.json");
        assertEquals(s.datasetId(), store.get("datasets/demo-1/versions/" + s.datasetId() + ".json", back).sha256());
        assertEquals(-1, Files.mismatch(manifestFile, back), "the stored manifest is the folder's, byte for byte");
        assertEquals(s.datasetId(), new DatasetVersions(store).newest("demo-1").orElseThrow().id());
    }

    /**
     * The same content again is a no-op; other content is a new version beside the first, whose every object stays
     * as it was (the case that once overwrote 23 of 27 objects), and becomes the newest.
     */
    @Test
    void aSecondPushNeverTouchesTheFirstVersion() throws IOException {
        Path dir = tmp.resolve("ds");
        Map<String, byte[]> files = S3Fixture.writeDataset(dir, "two");
        PushSummary first = push.push(dir, "demo");
        Map<String, ObjectInfo> before = snapshot("datasets/demo/");
        PushSummary again = push.push(dir, "demo");
        assertEquals(first.datasetId(), again.datasetId());
        assertEquals(0, again.uploadedFiles());
        assertFalse(again.newVersion());
        assertEquals(before, snapshot("datasets/demo/"), "the same content changes nothing");

        Files.writeString(dir.resolve("segmentation/train/imgs/a.png"), "image a, version 2");
        Files.writeString(dir.resolve("classification/train/0_p1_1_1.png"), "normal slice, version 2");
        Files.delete(dir.resolve("manifest.json"));
        PushSummary v2 = push.push(dir, "demo");
        assertTrue(v2.newVersion());
        assertEquals(first.datasetId(), v2.previousNewest());
        assertEquals(2, v2.uploadedFiles(), "only the changed files: the others' blobs are shared");
        assertFalse(v2.datasetId().equals(first.datasetId()));
        assertEquals(files.size(), v2.files());
        Map<String, ObjectInfo> after = snapshot("datasets/demo/");
        before.forEach((k, o) -> {
            if (!k.endsWith("/latest")) {
                assertEquals(o, after.get(k), k + " was rewritten");
            }
        });
        DatasetVersions versions = new DatasetVersions(store);
        assertEquals(List.of(first.datasetId(), v2.datasetId()),
                versions.list("demo").stream().map(DatasetVersions.Version::id).toList());
        assertEquals(v2.datasetId(), versions.newest("demo").orElseThrow().id());
        assertEquals(first.datasetId(), versions.resolve("demo", first.datasetId().substring(0, 8)).id());
    }

    @Test
    void aPushCutShortLeavesTheNewestAsItWas() throws IOException {
        Path dir = tmp.resolve("ds");
        S3Fixture.writeDataset(dir, "three");
        PushSummary first = push.push(dir, "cut");

        Files.writeString(dir.resolve("notes.txt"), "changed notes");
        Files.writeString(dir.resolve("classification/train/0_p1_1_1.png"), "changed normal slice");
        Files.delete(dir.resolve("manifest.json"));
        List<String> seen = new ArrayList<>();
        RuntimeException crash = assertThrows(RuntimeException.class, () -> push.push(dir, "cut", put -> {
            seen.add(put.key());
            throw new RuntimeException("simulated crash after the first upload");
        }));
        assertEquals("simulated crash after the first upload", crash.getMessage());
        assertEquals(1, seen.size());
        DatasetVersions versions = new DatasetVersions(store);
        assertEquals(List.of(first.datasetId()), versions.list("cut").stream().map(DatasetVersions.Version::id)
                .toList(), "no version until its manifest is written, at the end");
        assertEquals(first.datasetId(), versions.newest("cut").orElseThrow().id());
    }

    /** A dataset pushed before versions existed reads as one version, and a push beside it leaves it whole. */
    @Test
    void aDatasetOfTheOldLayoutIsOneVersion() throws IOException {
        Path dir = tmp.resolve("ds");
        S3Fixture.writeDataset(dir, "old");
        Manifest m = Manifest.write(dir, "old");
        for (Manifest.Entry e : m.files()) {
            store.put("datasets/old/" + e.path(), dir.resolve(e.path()));
        }
        String oldId = store.put("datasets/old/manifest.json", dir.resolve("manifest.json")).sha256();
        DatasetVersions versions = new DatasetVersions(store);
        DatasetVersions.Version legacy = versions.newest("old").orElseThrow();
        assertEquals(oldId, legacy.id());
        assertTrue(legacy.legacy());
        Map<String, ObjectInfo> before = snapshot("datasets/old/");
        Files.writeString(dir.resolve("notes.txt"), "new notes");
        Files.delete(dir.resolve("manifest.json"));
        PushSummary v2 = push.push(dir, "old");
        assertEquals(oldId, v2.previousNewest());
        Map<String, ObjectInfo> after = snapshot("datasets/old/");
        before.forEach((k, o) -> assertEquals(o, after.get(k), k));
        assertEquals(List.of(oldId, v2.datasetId()),
                versions.list("old").stream().map(DatasetVersions.Version::id).toList());
    }

    private Map<String, ObjectInfo> snapshot(String prefix) {
        Map<String, ObjectInfo> out = new java.util.TreeMap<>();
        store.list(prefix).forEach(o -> out.put(o.key(), store.stat(o.key()).orElseThrow()));
        return out;
    }

    @Test
    void aFolderThatDisagreesWithItsManifestIsRefused() throws IOException {
        Path dir = tmp.resolve("ds");
        S3Fixture.writeDataset(dir, "four");
        Manifest.write(dir, "four");
        Files.writeString(dir.resolve("segmentation/test/masks/b.png"), "tampered");
        DataException e = assertThrows(DataException.class, () -> push.push(dir, "four"));
        assertEquals(dir.resolve("segmentation/test/masks/b.png"), e.file());
        assertTrue(e.getMessage().contains("delete that file"), e.getMessage());
        assertEquals(List.of(), store.list("datasets/"), "nothing was uploaded");
    }

    @Test
    void badNamesAndFoldersAreRefused() throws IOException {
        Path dir = tmp.resolve("ds");
        S3Fixture.writeDataset(dir, "five");
        for (String bad : new String[] {"", "Upper", "-lead", "a/b", "a..b/", "x".repeat(64), "sp ace", "..", ".",
                "../x", "/abs", "x/../y", ".hidden", "\u00e9t\u00e9", "a\\b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> push.push(dir, bad));
            assertTrue(e.getMessage().startsWith("dataset name '" + bad + "'"), e.getMessage());
        }
        for (String bad : new String[] {"a\nb", "nul\u0000", "tab\t"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> push.push(dir, bad));
            assertTrue(e.getMessage().startsWith("dataset name '"), e.getMessage());
            assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), "one line: " + e.getMessage());
        }
        push.push(dir, "x".repeat(63)); // the longest name allowed
        DataException missing = assertThrows(DataException.class, () -> push.push(tmp.resolve("nope"), "ok"));
        assertEquals(tmp.resolve("nope"), missing.file());
    }
}
