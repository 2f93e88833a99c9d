package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.nn.StateDict;
import com.oneshotct.model.train.TrainedModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Converted weights in and out: {@code model export} writes a checkpoint's state dict, {@code train --init-weights
 * NPZ --iterations 0} turns a state dict into a checkpoint. Round trip: the second checkpoint, made with another seed
 * (so its own initialisation differs), holds exactly the first one's weights.
 */
class ModelWeightsTest {
    @TempDir
    Path dir;

    private final List<Exception> thrown = new ArrayList<>();

    @Test
    void exportThenInitWeightsRoundTrips() throws Exception {
        Path data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        String[] common = {"--data", data.toString(), "--backbone", "resnet18", "--size", "64", "--iterations", "0"};
        assertEquals(0, run(new TrainCommand(), concat(common, "--out", dir.resolve("a.ckpt").toString(), "--seed",
                "1")), thrown.toString());
        String exported = runOut(new ModelExportCommand(), "--checkpoint", dir.resolve("a.ckpt").toString(), "--out",
                dir.resolve("a.npz").toString());
        assertTrue(exported.contains("resnet18 at 64 px, iteration 0"), exported);
        assertEquals(0, run(new TrainCommand(), concat(common, "--out", dir.resolve("b.ckpt").toString(), "--seed",
                "2", "--init-weights", dir.resolve("a.npz").toString())), thrown.toString());
        assertEquals(0, run(new TrainCommand(), concat(common, "--out", dir.resolve("c.ckpt").toString(), "--seed",
                "2")), thrown.toString());
        Map<String, byte[]> a = weights(dir.resolve("a.ckpt"));
        Map<String, byte[]> b = weights(dir.resolve("b.ckpt"));
        Map<String, byte[]> c = weights(dir.resolve("c.ckpt"));
        assertNotEquals(List.copyOf(a.keySet()), List.of());
        assertFalse(java.util.Arrays.equals(a.get("backbone.body.conv1.weight"), c.get("backbone.body.conv1.weight")),
                "seeds 1 and 2 initialise differently, so the round trip below is not a coincidence");
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k + " after export and --init-weights");
        }
    }

    @Test
    void weightsOfAnotherBackboneAreRefusedNamingTheKeys() throws Exception {
        Path data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        String[] common = {"--data", data.toString(), "--size", "64", "--iterations", "0"};
        assertEquals(0, run(new TrainCommand(), concat(common, "--backbone", "resnet18", "--out",
                dir.resolve("a.ckpt").toString())), thrown.toString());
        assertEquals(0, run(new ModelExportCommand(), "--checkpoint", dir.resolve("a.ckpt").toString(), "--out",
                dir.resolve("a.npz").toString()), thrown.toString());
        assertEquals(2, run(new TrainCommand(), concat(common, "--backbone", "resnet34", "--out",
                dir.resolve("b.ckpt").toString(), "--init-weights", dir.resolve("a.npz").toString())));
        String message = thrown.get(thrown.size() - 1).getMessage();
        assertTrue(message.contains("does not fit") && message.contains("backbone.body.layer"), message);
        assertFalse(Files.exists(dir.resolve("b.ckpt")), "no checkpoint is written from weights that do not fit");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private int run(Callable<Integer> command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            thrown.add(ex);
            return 2;
        });
        return cli.execute(args);
    }

    private String runOut(Callable<Integer> command, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, cli.execute(args), out.toString());
        return out.toString();
    }

    private static Map<String, byte[]> weights(Path checkpoint) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainedModel model = TrainedModel.open(checkpoint, m);
            for (StateDict.Entry e : StateDict.entries(model.net())) {
                NDArray a = e.parameter().getArray();
                ByteBuffer buf = a.toByteBuffer();
                byte[] bytes = new byte[buf.remaining()];
                buf.get(bytes);
                out.put(e.key(), bytes);
            }
        }
        return out;
    }
}
