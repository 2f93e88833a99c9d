package com.oneshotct.activities.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.embedded.EmbeddedS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {
    static final String ACCESS = "access-test";
    static final String SECRET = "secret-test-123";
    // SHA-256 of the three ASCII bytes "abc" (FIPS 180-2, appendix B.1)
    static final String ABC_SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path tmp;
    EmbeddedS3 s3;
    ObjectStore store;

    @BeforeEach
    void start() {
        s3 = EmbeddedS3.transientStore(0, ACCESS, SECRET);
        store = new ObjectStore(new S3Config(s3.endpoint(), ACCESS, SECRET, "oneshot"));
        store.ensureBucket();
    }

    @AfterEach
    void stop() {
        store.close();
        s3.close();
    }

    @Test
    void putGetStatListDelete() throws IOException {
        ObjectInfo put = store.put("a/b/abc.txt", "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ObjectInfo("a/b/abc.txt", 3, ABC_SHA), put);
        Path src = tmp.resolve("src.bin");
        Files.write(src, new byte[] {1, 2, 3, 4, 5});
        ObjectInfo fromFile = store.put("a/c.bin", src);
        assertEquals(5, fromFile.size());
        assertEquals(com.oneshotct.model.data.Manifest.sha256(src), fromFile.sha256());

        assertEquals(Optional.of(put), store.stat("a/b/abc.txt"), "stat reads the SHA-256 back from metadata");
        assertTrue(store.exists("a/c.bin"));
        assertEquals(Optional.empty(), store.stat("a/nothing"));

        Path target = tmp.resolve("out/abc.txt");
        assertEquals(put, store.get("a/b/abc.txt", target));
        assertEquals("abc", Files.readString(target));
        try (var files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList(), "no temporary file is left beside the target");
        }

        List<ObjectInfo> listed = store.list("a/");
        assertEquals(List.of("a/b/abc.txt", "a/c.bin"), listed.stream().map(ObjectInfo::key).toList());
        assertEquals(List.of(3L, 5L), listed.stream().map(ObjectInfo::size).toList());
        assertNull(listed.get(0).sha256());

        store.delete("a/c.bin");
        assertFalse(store.exists("a/c.bin"));
        store.delete("a/c.bin"); // deleting what is gone is fine
        store.ensureBucket(); // and so is ensuring an existing bucket
    }

    @Test
    void aWriteOnceKeyTakesItsBytesOnceAndNeverOthers() throws IOException {
        Path first = tmp.resolve("first.ckpt");
        Files.write(first, "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ObjectInfo("runs/r/attempt-1/iter-3.ckpt", 3, ABC_SHA),
                store.putNew("runs/r/attempt-1/iter-3.ckpt", first));
        // the same bytes again (a repeated upload) are fine
        assertEquals(ABC_SHA, store.putNew("runs/r/attempt-1/iter-3.ckpt", first).sha256());

        Path other = tmp.resolve("other.ckpt");
        Files.write(other, "abd".getBytes(StandardCharsets.US_ASCII));
        ObjectConflictException refused = assertThrows(ObjectConflictException.class,
                () -> store.putNew("runs/r/attempt-1/iter-3.ckpt", other));
        assertEquals("runs/r/attempt-1/iter-3.ckpt", refused.key());
        assertTrue(refused.getMessage().contains("'oneshot/runs/r/attempt-1/iter-3.ckpt' already holds 3 bytes"
                + " with SHA-256 " + ABC_SHA), refused.getMessage());
        Path back = tmp.resolve("back.ckpt");
        assertEquals(ABC_SHA, store.get("runs/r/attempt-1/iter-3.ckpt", back).sha256(), "the object is unchanged");

        // a plain put still replaces (a dataset pushed again needs that); putNew then refuses the first bytes
        store.put("runs/r/attempt-1/iter-3.ckpt", other);
        assertThrows(ObjectConflictException.class, () -> store.putNew("runs/r/attempt-1/iter-3.ckpt", first));
        assertEquals(store.stat("runs/r/attempt-1/iter-3.ckpt").orElseThrow().sha256(),
                store.get("runs/r/attempt-1/iter-3.ckpt", back).sha256());
    }

    @Test
    void missingObjectsAndBucketsNameWhatIsMissing() {
        MissingObjectException key = assertThrows(MissingObjectException.class,
                () -> store.get("no/such.key", tmp.resolve("x")));
        assertEquals("no/such.key", key.key());
        assertTrue(key.getMessage().contains("oneshot/no/such.key"), key.getMessage());
        assertFalse(Files.exists(tmp.resolve("x")));
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "the failed download left no temporary file");
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        ObjectStore other = new ObjectStore(new S3Config(s3.endpoint(), ACCESS, SECRET, "never-made"));
        MissingObjectException bucket = assertThrows(MissingObjectException.class,
                () -> other.list("datasets/"));
        assertNull(bucket.key());
        assertTrue(bucket.getMessage().contains("never-made"), bucket.getMessage());
    }

    @Test
    void badKeysAreRefusedBeforeAnyRequest() {
        String[] bad = {"", "/abs", "a/../b", "..", "a\\b", "a//b", "./a", "ctl\u0001x", "del\u007f",
                "x".repeat(1025), "\u00e9".repeat(513), "/", "a/..", "a/.", "../escape", "\\abs",
                // a checkpoint key from a hostile workflow id, climbing into the datasets
                "runs/../datasets/x/manifest.json", "line\nbreak", "tab\tkey", "nul\u0000", "c1\u0085"};
        for (String k : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.put(k, new byte[0]),
                    () -> "key " + k);
            assertTrue(e.getMessage().startsWith("object key '"), e.getMessage());
            // the message is one line: a key cannot forge log lines
            assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.get(k, tmp.resolve("x")), () -> "get " + k);
            assertThrows(IllegalArgumentException.class, () -> store.stat(k), () -> "stat " + k);
            assertThrows(IllegalArgumentException.class, () -> store.delete(k), () -> "delete " + k);
        }
        assertEquals(List.of(), store.list(""), "nothing reached the store");
        ObjectStore.checkKey("x".repeat(1024));
        ObjectStore.checkKey("datasets/name/"); // a prefix may end in '/'
        ObjectStore.checkKey("datasets/a b/\u00e9.png");
    }

    @Test
    void wrongKeysGiveAnAccessErrorWithoutTheSecret() {
        String wrongSecret = "wrong-secret-456";
        ObjectStore wrong = new ObjectStore(new S3Config(s3.endpoint(), ACCESS, wrongSecret, "oneshot"));
        StoreAccessException e = assertThrows(StoreAccessException.class, () -> wrong.stat("a"));
        // rotated keys: said plainly first, the store's code and the call after
        assertTrue(e.getMessage().startsWith("the object store refused this worker's credentials"
                + " (ONESHOT_S3_ACCESS_KEY): " + s3.endpoint() + " answered SignatureDoesNotMatch;"), e.getMessage());
        assertTrue(e.getMessage().contains("ONESHOT_S3_SECRET_KEY"), e.getMessage());
        assertFalse(e.getMessage().contains(wrongSecret), e.getMessage());
        ObjectStore unknown = new ObjectStore(new S3Config(s3.endpoint(), "nobody", SECRET, "oneshot"));
        StoreAccessException u = assertThrows(StoreAccessException.class, () -> unknown.put("a", new byte[1]));
        assertTrue(u.getMessage().startsWith("the object store refused this worker's credentials"
                + " (ONESHOT_S3_ACCESS_KEY): "), u.getMessage());
        assertTrue(u.getMessage().contains("InvalidAccessKeyId") || u.getMessage().contains("SignatureDoesNotMatch"),
                u.getMessage());
        assertFalse(u.getMessage().contains(SECRET), u.getMessage());
    }

    @Test
    void aStoppedServiceIsUnavailableAndRetryable() {
        String endpoint = s3.endpoint();
        s3.close();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> store.stat("a"));
        assertTrue(e.getMessage().contains(endpoint), e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
        assertThrows(StoreUnavailableException.class, () -> store.get("a", tmp.resolve("a")));
        s3 = EmbeddedS3.transientStore(0, ACCESS, SECRET); // for stop()
    }
}
