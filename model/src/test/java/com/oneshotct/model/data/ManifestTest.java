package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    // NIST / well-known SHA-256 vectors
    private static final String SHA_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String SHA_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path dir;

    private Path tinyDataset() throws Exception {
        Files.createDirectories(dir.resolve("b/c"));
        Files.writeString(dir.resolve("b/c/x.txt"), "abc");
        Files.write(dir.resolve("a.bin"), new byte[0]);
        return dir;
    }

    @Test
    void writesTheExactBytes() throws Exception {
        Manifest m = Manifest.write(tinyDataset(), "tiny");
        String expected = "{\"format\":1,\"name\":\"tiny\",\"files\":[\n"
                + "{\"path\":\"a.bin\",\"size\":0,\"sha256\":\"" + SHA_EMPTY + "\"},\n"
                + "{\"path\":\"b/c/x.txt\",\"size\":3,\"sha256\":\"" + SHA_ABC + "\"}\n"
                + "]}\n";
        assertEquals(expected, Files.readString(dir.resolve("manifest.json")));
        assertEquals(List.of(new Manifest.Entry("a.bin", 0, SHA_EMPTY), new Manifest.Entry("b/c/x.txt", 3, SHA_ABC)),
                m.files());
        // the id is the hash of the manifest's bytes, and rewriting (the manifest is skipped) changes nothing
        byte[] bytes = Files.readAllBytes(dir.resolve("manifest.json"));
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(id, Manifest.id(dir.resolve("manifest.json")));
        Manifest.write(dir, "tiny");
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("manifest.json")));
    }

    @Test
    void readsWhatItWrote() throws Exception {
        Manifest m = Manifest.write(tinyDataset(), "we \"quote\" \u00e9");
        assertEquals(m, Manifest.read(dir.resolve("manifest.json")));
        m.verify(dir);
    }

    @Test
    void verifyNamesAChangedByte() throws Exception {
        Manifest m = Manifest.write(tinyDataset(), "t");
        Files.writeString(dir.resolve("b/c/x.txt"), "abd");
        DataException e = assertThrows(DataException.class, () -> m.verify(dir));
        assertEquals(dir.resolve("b/c/x.txt"), e.file());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void verifyNamesAMissingFileAChangedSizeAndAnExtraFile() throws Exception {
        Manifest m = Manifest.write(tinyDataset(), "t");
        Files.writeString(dir.resolve("b/c/x.txt"), "abcd");
        DataException size = assertThrows(DataException.class, () -> m.verify(dir));
        assertTrue(size.getMessage().contains("size 4 bytes, the manifest says 3"), size.getMessage());
        Files.delete(dir.resolve("a.bin"));
        DataException missing = assertThrows(DataException.class, () -> m.verify(dir));
        assertEquals(dir.resolve("a.bin"), missing.file());
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());

        Manifest fresh = Manifest.write(dir, "t");
        Files.writeString(dir.resolve("b/extra.txt"), "x");
        DataException extra = assertThrows(DataException.class, () -> fresh.verify(dir));
        assertEquals(dir.resolve("b/extra.txt"), extra.file());
        assertTrue(extra.getMessage().contains("not listed"), extra.getMessage());
    }

    private DataException readError(String json) throws Exception {
        Path f = dir.resolve("manifest.json");
        Files.writeString(f, json, StandardCharsets.UTF_8);
        DataException e = assertThrows(DataException.class, () -> Manifest.read(f));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e;
    }

    private static String entry(String path, String size, String sha) {
        return "{\"format\":1,\"name\":\"n\",\"files\":[{\"path\":" + path + ",\"size\":" + size + ",\"sha256\":"
                + sha + "}]}";
    }

    private static void assertMentions(DataException e, String text) {
        assertTrue(e.getMessage().contains(text), "\"" + text + "\" not in: " + e.getMessage());
    }

    @Test
    void readRejectsMalformedJson() throws Exception {
        assertMentions(readError("{\"format\":1,"), "malformed manifest JSON");
        assertMentions(readError("{\"format\":1,\"name\":\"n\",\"files\":[]} trailing"), "malformed manifest JSON");
        assertMentions(readError(""), "must be a JSON object");
        assertMentions(readError("[1,2]"), "must be a JSON object");
    }

    @Test
    void readRejectsMissingOrWrongFields() throws Exception {
        assertMentions(readError("{\"name\":\"n\",\"files\":[]}"), "\"format\" is missing");
        assertMentions(readError("{\"format\":2,\"name\":\"n\",\"files\":[]}"), "unsupported manifest format 2");
        assertMentions(readError("{\"format\":1,\"files\":[]}"), "\"name\" is missing");
        assertMentions(readError("{\"format\":1,\"name\":\"n\"}"), "\"files\" is missing");
        assertMentions(readError("{\"format\":1,\"name\":\"n\",\"files\":{}}"), "\"files\" must be an array");
        assertMentions(readError("{\"format\":1,\"name\":\"n\",\"files\":[{\"path\":\"a\",\"size\":1}]}"),
                "\"files[0].sha256\" is missing");
        assertMentions(readError(entry("\"a\"", "-1", "\"" + SHA_ABC + "\"")), "files[0].size");
        assertMentions(readError(entry("\"a\"", "\"3\"", "\"" + SHA_ABC + "\"")), "files[0].size");
    }

    @Test
    void readRejectsBadHashes() throws Exception {
        assertMentions(readError(entry("\"a\"", "3", "\"" + SHA_ABC.toUpperCase() + "\"")), "64 lowercase hex");
        assertMentions(readError(entry("\"a\"", "3", "\"abc\"")), "files[0].sha256");
        assertMentions(readError(entry("\"a\"", "3", "42")), "files[0].sha256");
    }

    @Test
    void readRejectsUnsafePaths() throws Exception {
        String sha = "\"" + SHA_ABC + "\"";
        assertMentions(readError(entry("\"../etc/passwd\"", "3", sha)), "'..'");
        assertMentions(readError(entry("\"a/../../b\"", "3", sha)), "'..'");
        assertMentions(readError(entry("\"/etc/passwd\"", "3", sha)), "must be relative");
        assertMentions(readError(entry("\"C:/x\"", "3", sha)), "must be relative");
        assertMentions(readError(entry("\"a\\\\b\"", "3", sha)), "must be relative");
        assertMentions(readError(entry("\"a//b\"", "3", sha)), "empty");
        assertMentions(readError(entry("\"\"", "3", sha)), "is empty");
        assertMentions(readError(entry("\"manifest.json\"", "3", sha)), "manifest itself");
        String twice = "{\"format\":1,\"name\":\"n\",\"files\":[{\"path\":\"a\",\"size\":3,\"sha256\":" + sha
                + "},{\"path\":\"a\",\"size\":3,\"sha256\":" + sha + "}]}";
        assertMentions(readError(twice), "lists a twice");
    }

    @Test
    void scanOfAFileIsAnError() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        DataException e = assertThrows(DataException.class, () -> Manifest.scan(f, "n"));
        assertEquals(f, e.file());
    }
}
