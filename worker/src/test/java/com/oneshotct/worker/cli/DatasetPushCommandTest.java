package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.store.ObjectInfo;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DatasetPushCommandTest {
    @TempDir
    Path tmp;
    EmbeddedS3 s3;
    Map<String, String> env;
    private final StringWriter out = new StringWriter();
    private final List<Exception> thrown = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        s3 = EmbeddedS3.transientStore(0, "push-access", "push-secret-789");
        env = new HashMap<>();
        env.put("ONESHOT_S3_ENDPOINT", s3.endpoint());
        env.put("ONESHOT_S3_ACCESS_KEY", "push-access");
        env.put("ONESHOT_S3_SECRET_KEY", "push-secret-789");
        env.put("ONESHOT_S3_BUCKET", "push-test");
        Files.createDirectories(tmp.resolve("ds/classification/train"));
        Files.writeString(tmp.resolve("ds/classification/train/0_p1_1_1.png"), "slice one");
        Files.writeString(tmp.resolve("ds/classification/train/2_p2_1_1.png"), "slice two!");
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new DatasetPushCommand(env));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            thrown.add(ex);
            return 2;
        });
        return cli.execute(args);
    }

    @Test
    void printsTheVersionAndUploadsTheFiles() throws IOException {
        assertEquals(0, run(tmp.resolve("ds").toString(), "--name", "tiny"));
        String id = Manifest.id(tmp.resolve("ds/manifest.json"));
        String text = out.toString();
        assertTrue(text.contains("pushed dataset tiny: new version " + id + " (the newest, its first)"), text);
        assertTrue(text.contains("store       push-test/datasets/tiny/"), text);
        // 2 files: "slice one" 9 bytes + "slice two!" 10 bytes
        assertTrue(text.contains("files       2 (19 bytes)"), text);
        assertTrue(text.contains("uploaded    2 files (19 bytes)"), text);
        try (ObjectStore store = new ObjectStore(S3Config.fromEnvironment(env))) {
            assertEquals(4, store.list("datasets/tiny/").size(), "two blobs, the version, the latest pointer");
            assertTrue(store.exists("datasets/tiny/versions/" + id + ".json"));
        }
    }

    @Test
    void aSecondPushOfOtherContentSaysItIsANewVersionAndKeepsTheFirst() throws IOException {
        assertEquals(0, run(tmp.resolve("ds").toString(), "--name", "tiny"));
        String first = Manifest.id(tmp.resolve("ds/manifest.json"));
        out.getBuffer().setLength(0);
        assertEquals(0, run(tmp.resolve("ds").toString(), "--name", "tiny", "--json"));
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals(first, j.get("datasetId").asText());
        assertEquals(0, j.get("uploadedFiles").asInt());
        assertFalse(j.get("newVersion").asBoolean(), "the same content again is a no-op");

        Files.writeString(tmp.resolve("ds/classification/train/2_p2_1_1.png"), "slice two, again");
        Files.delete(tmp.resolve("ds/manifest.json"));
        out.getBuffer().setLength(0);
        assertEquals(0, run(tmp.resolve("ds").toString(), "--name", "tiny"));
        String second = Manifest.id(tmp.resolve("ds/manifest.json"));
        assertTrue(out.toString().contains("new version " + second + " (the newest; the one before, " + first
                + ", is kept)"), out.toString());
        assertTrue(out.toString().contains("uploaded    1 files (16 bytes)"), out.toString());
    }

    @Test
    void missingSettingsAndBadNamesAreClearErrors() {
        env.remove("ONESHOT_S3_SECRET_KEY");
        assertEquals(2, run(tmp.resolve("ds").toString(), "--name", "tiny"));
        IllegalArgumentException noSecret = assertInstanceOf(IllegalArgumentException.class, thrown.get(0));
        assertTrue(noSecret.getMessage().startsWith("ONESHOT_S3_SECRET_KEY is not set"), noSecret.getMessage());

        env.put("ONESHOT_S3_SECRET_KEY", "push-secret-789");
        assertEquals(2, run(tmp.resolve("ds").toString(), "--name", "Bad Name"));
        assertInstanceOf(IllegalArgumentException.class, thrown.get(1));
        assertTrue(thrown.get(1).getMessage().startsWith("dataset name 'Bad Name'"), thrown.get(1).getMessage());
    }
}
