package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.Manifest;
import com.oneshotct.worker.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs through Main's error handling (bad input: "error: ..." and exit code 2), with synth registered. */
    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "synth";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @Test
    void writesADatasetAndPrintsItsId() throws Exception {
        Path ds = tmp.resolve("ds");
        int code = run("--out", ds.toString(), "--seed", "3", "--size", "64", "--seg-train", "3", "--seg-test", "2",
                "--cls-train", "4", "--cls-test", "3", "--seg-val", "2", "--cls-val", "3");
        assertEquals(0, code, err.toString());
        Path manifest = ds.resolve("manifest.json");
        Manifest m = Manifest.read(manifest);
        m.verify(ds);
        // 7 images + 7 masks + 10 classification slices + 6 split lists
        assertEquals(30, m.files().size());
        String text = out.toString();
        assertTrue(text.contains("dataset id: " + Manifest.id(manifest)), text);
        assertTrue(text.contains("segmentation: 3 train, 2 val, 2 test"), text);
        assertTrue(text.contains("classification: 4 train, 3 val, 3 test"), text);
        assertTrue(text.contains("(30 files)"), text);
        assertTrue(Files.isRegularFile(ds.resolve("segmentation/val_split_segmentation.txt")));
        assertTrue(err.toString().contains("segmentation train 3/3"), err.toString());
        assertTrue(err.toString().contains("classification test 3/3"), err.toString());
        assertTrue(Files.isRegularFile(ds.resolve("classification/train/0_0001_1_0030.png")));
    }

    @Test
    void sameArgumentsSameId() {
        String[] common = {"--seed", "5", "--size", "64", "--seg-train", "2", "--seg-test", "1", "--cls-train", "3",
            "--cls-test", "3"};
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, run(concat(new String[] {"--out", a.toString()}, common)));
        assertEquals(0, run(concat(new String[] {"--out", b.toString()}, common)));
        assertEquals(Manifest.id(a.resolve("manifest.json")), Manifest.id(b.resolve("manifest.json")));
    }

    private static String[] concat(String[] x, String[] y) {
        String[] r = new String[x.length + y.length];
        System.arraycopy(x, 0, r, 0, x.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    @Test
    void refusesANonEmptyFolder() throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "mine");
        assertEquals(2, run("--out", tmp.toString(), "--size", "64"));
        assertTrue(err.toString().contains("error: " + tmp + ": is not empty"), err.toString());
        assertEquals("mine", Files.readString(tmp.resolve("keep.txt")));
        assertFalse(Files.exists(tmp.resolve("manifest.json")));
    }

    @Test
    void rejectsBadOptions() {
        assertEquals(2, run("--out", tmp.resolve("x").toString(), "--size", "32"));
        assertTrue(err.toString().contains("error: size (--size) must be 64..1024 px, got 32"), err.toString());
        assertFalse(Files.exists(tmp.resolve("x")));
        assertEquals(2, run("--out", tmp.resolve("y").toString(), "--cls-test", "0"));
        assertTrue(err.toString().contains("clsTest (--cls-test) must be 1..5000, got 0"), err.toString());
        assertEquals(2, run("--size", "64"));
        assertTrue(err.toString().contains("Missing required option: '--out=DIR'"), err.toString());
    }
}
