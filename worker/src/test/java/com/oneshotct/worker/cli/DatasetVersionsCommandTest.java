package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NewDataset;
import com.oneshotct.db.NewRun;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.model.data.Manifest;
import com.oneshotct.worker.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dataset list|show|remove} over two versions, one of them used by a run in the registry. */
class DatasetVersionsCommandTest {
    @TempDir
    Path tmp;
    EmbeddedS3 s3;
    Map<String, String> env;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void start() {
        s3 = EmbeddedS3.transientStore(0, "versions-access", "versions-secret-456");
        env = new HashMap<>();
        env.put("ONESHOT_S3_ENDPOINT", s3.endpoint());
        env.put("ONESHOT_S3_ACCESS_KEY", "versions-access");
        env.put("ONESHOT_S3_SECRET_KEY", "versions-secret-456");
        env.put("ONESHOT_S3_BUCKET", "versions-test");
        DbConfig db = EmbeddedPostgresSupport.createDatabase("dataset_versions_cli", DbConfig::new);
        env.put(DbConfig.URL_VAR, db.url());
        env.put(DbConfig.USER_VAR, db.user());
        env.put(DbConfig.PASSWORD_VAR, db.password() == null ? "" : db.password());
        try (Database d = Database.open(db)) {
            d.migrate();
        }
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private int run(Object command, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
        return cli.execute(args);
    }

    private String push(String notes) throws IOException {
        Path dir = tmp.resolve("ds");
        Files.createDirectories(dir.resolve("classification/train"));
        Files.writeString(dir.resolve("classification/train/0_p1_1_1.png"), "slice one");
        Files.writeString(dir.resolve("notes.txt"), notes);
        Files.deleteIfExists(dir.resolve("manifest.json"));
        assertEquals(0, run(new DatasetPushCommand(env), dir.toString(), "--name", "ct"), err::toString);
        return Manifest.id(dir.resolve("manifest.json"));
    }

    @Test
    void listShowAndARemovalThatARunPrevents() throws IOException {
        String v1 = push("first notes");
        String v2 = push("second notes");
        String wf = "wf-uses-v1-" + System.nanoTime();
        try (Database d = Database.open(DbConfig.fromEnvironment(env))) {
            d.registry().runs().register(new NewRun(wf, "t-" + wf, "{}", "h", "test", "resnet18", "ct"));
            d.registry().runs().registerDataset(new NewDataset(v1, "ct", "datasets/ct/", 2, 20, Map.of()));
            d.registry().runs().linkDataset(wf, v1);
        }

        assertEquals(0, run(new DatasetVersionsCommand.ListVersions(env), "ct"), err::toString);
        String list = out.toString();
        assertTrue(list.startsWith("ct\n"), list);
        assertTrue(list.matches("(?s).*\n    " + v1 + "  pushed [^\n]*1 run\\(s\\): " + wf + "\n.*"), list);
        assertTrue(list.matches("(?s).*\n  \\* " + v2 + "  pushed [^\n]*no run\n.*"), list);

        assertEquals(0, run(new DatasetVersionsCommand.Show(env), "ct", "--version", v1.substring(0, 8)),
                err::toString);
        assertTrue(out.toString().contains("version   " + v1 + "\n") && out.toString().contains("runs      " + wf),
                out.toString());

        assertEquals(2, run(new DatasetVersionsCommand.Remove(env), "ct", "--version", v1));
        assertTrue(err.toString().contains("is used by 1 run(s) (" + wf + "): not removed")
                && !err.toString().contains("\tat "), err.toString());

        assertEquals(0, run(new DatasetVersionsCommand.Remove(env), "ct", "--version", v2), err::toString);
        assertTrue(out.toString().startsWith("removed dataset ct version " + v2 + " (2 objects)"), out.toString());
        try (ObjectStore store = new ObjectStore(S3Config.fromEnvironment(env))) {
            // v1's manifest, its two blobs (the shared slice among them) and the history, now naming v1 alone
            assertEquals(4, store.list("datasets/ct/").size(), store.list("datasets/ct/").toString());
        }
        assertEquals(0, run(new DatasetVersionsCommand.ListVersions(env), "ct"), err::toString);
        assertTrue(out.toString().contains("  * " + v1), out.toString());
    }
}
