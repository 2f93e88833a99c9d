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
    void uploadsEveryFileAndTheManifestWithTheirHashes() throws IOException {
        Path dir = tmp.resolve("ds");
        Map<String, byte[]> files = S3Fixture.writeDataset(dir, "one");
        PushSummary s = push.push(dir, "demo-1");

        Path manifestFile = dir.resolve("manifest.json");
        assertTrue(Files.isRegularFile(manifestFile), "push writes the manifest into the folder");
        Manifest m = Manifest.read(manifestFile);
        assertEquals("demo-1", m.name());
        assertEquals(new PushSummary("demo-1", Manifest.id(manifestFile), "oneshot", "datasets/demo-1/",
                files.size(), S3Fixture.totalBytes(files), files.size(), S3Fixture.totalBytes(files), true), s);

        TreeSet<String> expected = new TreeSet<>();
        files.keySet().forEach(p -> expected.add("datasets/demo-1/" + p));
        expected.add("datasets/demo-1/manifest.json");
        assertEquals(List.copyOf(expected), store.list("datasets/demo-1/").stream().map(ObjectInfo::key).toList());
        for (Manifest.Entry e : m.files()) {
            assertEquals(Optional.of(new ObjectInfo("datasets/demo-1/" + e.path(), e.size(), e.sha256())),
                    store.stat("datasets/demo-1/" + e.path()));
        }
        Path back = tmp.resolve("manifest-back.json");
        assertEquals(s.datasetId(), store.get("datasets/demo-1/manifest.json", back).sha256());
        assertEquals(-1, Files.mismatch(manifestFile, back), "the stored manifest is the folder's, byte for byte");
    }

    @Test
    void aSecondPushUploadsNothingAndAChangedFileOnlyThatFile() throws IOException {
        Path dir = tmp.resolve("ds");
        Map<String, byte[]> files = S3Fixture.writeDataset(dir, "two");
        PushSummary first = push.push(dir, "demo");
        PushSummary again = push.push(dir, "demo");
        assertEquals(first.datasetId(), again.datasetId());
        assertEquals(0, again.uploadedFiles());
        assertEquals(0, again.uploadedBytes());
        assertFalse(again.manifestUploaded());

        // a new version of the data: one file changes, the old manifest is removed so that push writes a new one
        Files.writeString(dir.resolve("segmentation/train/imgs/a.png"), "image a, version 2");
        Files.delete(dir.resolve("manifest.json"));
        PushSummary v2 = push.push(dir, "demo");
        assertEquals(1, v2.uploadedFiles());
        assertEquals("image a, version 2".length(), v2.uploadedBytes());
        assertTrue(v2.manifestUploaded());
        assertFalse(v2.datasetId().equals(first.datasetId()));
        assertEquals(files.size(), v2.files());
    }

    @Test
    void aPushCutShortLeavesNoManifest() throws IOException {
        Path dir = tmp.resolve("ds");
        S3Fixture.writeDataset(dir, "three");
        push.push(dir, "cut");
        assertTrue(store.exists("datasets/cut/manifest.json"));

        Files.writeString(dir.resolve("notes.txt"), "changed notes");
        Files.writeString(dir.resolve("classification/train/0_p1_1_1.png"), "changed normal slice");
        Files.delete(dir.resolve("manifest.json"));
        List<String> seen = new ArrayList<>();
        RuntimeException crash = assertThrows(RuntimeException.class, () -> push.push(dir, "cut", put -> {
            seen.add(put.key());
            throw new RuntimeException("simulated crash after the first upload");
        }));
        assertEquals("simulated crash after the first upload", crash.getMessage());
        assertEquals(List.of("datasets/cut/classification/train/0_p1_1_1.png"), seen);
        assertFalse(store.exists("datasets/cut/manifest.json"),
                "the old manifest went before any object changed, the new one comes only at the end");
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
