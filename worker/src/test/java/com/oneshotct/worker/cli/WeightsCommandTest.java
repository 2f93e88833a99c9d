package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.nn.StateDict;
import com.oneshotct.model.train.TrainedModel;
import com.oneshotct.worker.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code weights import} and {@code train --init-weights} on files written by PyTorch (the model module's fixtures,
 * {@code model/src/test/resources/torchfiles}, see make_fixtures.py there).
 */
class WeightsCommandTest {
    private static final Path FIXTURES = Path.of("../model/src/test/resources/torchfiles");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Through Main's handler: exit codes and "error: ..." lines as the command line gives them. */
    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static Path fixture(String name) {
        Path p = FIXTURES.resolve(name);
        assertTrue(Files.isRegularFile(p), "fixture " + p.toAbsolutePath() + " missing");
        return p;
    }

    /**
     * A torchvision resnet18 file, imported to an npz and then trained from, and the same file given to train
     * directly: both checkpoints hold the same weights, the body being the file's.
     */
    @Test
    void importThenTrainEqualsTrainFromTheFile() throws Exception {
        Path npz = dir.resolve("resnet18.npz");
        assertEquals(0, run("weights", "import", fixture("resnet18_tiny.pth").toString(), "--backbone", "resnet18",
                "--size", "64", "--out", npz.toString()), err.toString());
        String report = out.toString();
        assertTrue(report.contains("layout: torchvision classification model -> backbone.body (resnet18)"), report);
        assertTrue(report.contains("ignored: fc.weight (1000, 512)"), report);
        assertTrue(report.contains("kept initialisation: attention layer (attn_layer.*, "), report);
        assertTrue(report.contains("wrote: " + npz), report);

        Path data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        String[] common = {"train", "--data", data.toString(), "--backbone", "resnet18", "--size", "64",
            "--iterations", "0"};
        assertEquals(0, run(concat(common, "--out", dir.resolve("a.ckpt").toString(), "--init-weights",
                npz.toString())), err.toString());
        assertEquals(0, run(concat(common, "--out", dir.resolve("b.ckpt").toString(), "--init-weights",
                fixture("resnet18_tiny.pth").toString())), err.toString());
        assertTrue(err.toString().contains("  loaded: 100 arrays"), err.toString());
        Map<String, float[]> a = weights(dir.resolve("a.ckpt"));
        Map<String, float[]> b = weights(dir.resolve("b.ckpt"));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList file = NDList.decode(m, Files.readAllBytes(npz));
            for (NDArray x : file) {
                assertArrayEquals(x.toFloatArray(), a.get(x.getName()), x.getName() + " as imported");
            }
        }
    }

    @Test
    void maliciousFileIsOneErrorLineAndWritesNothing() throws Exception {
        Path npz = dir.resolve("out.npz");
        assertEquals(2, run("weights", "import", fixture("malicious.pth").toString(), "--backbone", "resnet18",
                "--out", npz.toString()));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("'posix.system'"),
                err.toString());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "nothing written, no .part left");
        }
    }

    @Test
    void truncatedAndAmbiguousFilesAreOneErrorLine() {
        assertEquals(2, run("weights", "import", fixture("truncated.pth").toString(), "--backbone", "resnet18",
                "--out", dir.resolve("a.npz").toString()));
        assertTrue(err.toString().contains("truncated or corrupt"), err.toString());
        assertEquals(2, run("weights", "import", fixture("ambiguous.pth").toString(), "--backbone", "resnet18",
                "--out", dir.resolve("b.npz").toString()));
        assertTrue(err.toString().contains("'model' (9 tensors), 'ema' (9 tensors); choose one with --key"),
                err.toString());
        assertEquals(2, err.toString().lines().count(), err.toString());
        assertFalse(Files.exists(dir.resolve("a.npz")) || Files.exists(dir.resolve("b.npz")));
    }

    @Test
    void existingOutIsRefused() throws Exception {
        Path npz = Files.writeString(dir.resolve("out.npz"), "keep me");
        assertEquals(2, run("weights", "import", fixture("resnet18_tiny.pth").toString(), "--backbone", "resnet18",
                "--out", npz.toString()));
        assertEquals("keep me", Files.readString(npz));
    }

    private static String[] concat(String[] a, String... b) {
        String[] o = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    private static Map<String, float[]> weights(Path checkpoint) {
        Map<String, float[]> o = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainedModel model = TrainedModel.open(checkpoint, m);
            for (StateDict.Entry e : StateDict.entries(model.net())) {
                o.put(e.key(), e.parameter().getArray().toFloatArray());
            }
        }
        return o;
    }
}
