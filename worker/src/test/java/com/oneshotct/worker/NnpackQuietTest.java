package com.oneshotct.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.runtime.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code train} in a JVM of its own writes no {@code Could not initialize NNPACK!} line: libtorch writes it
 * to the process's stderr, where no Java stream can catch it, so only a child process shows it. Where NNPACK works
 * (most machines) libtorch would not write it either; so where a C compiler is at hand the child runs with an
 * {@code nnp_initialize} that fails as on a VM that hides its cache topology (LD_PRELOAD; libtorch calls it
 * through its PLT), and {@code engine} in such a child must say so, which shows the stand-in took effect.
 */
class NnpackQuietTest {
    @TempDir
    static Path dir;
    static Path data;
    /** The failing {@code nnp_initialize}, or null without a C compiler. */
    static Path failing;

    @BeforeAll
    static void setUp() throws Exception {
        data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        Path c = Files.writeString(dir.resolve("nonnp.c"), "int nnp_initialize(void) { return 51; }\n");
        Path so = dir.resolve("libnonnp.so");
        try {
            Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", so.toString(), c.toString())
                    .redirectErrorStream(true).start();
            cc.getInputStream().readAllBytes();
            failing = cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0 ? so : null;
        } catch (IOException e) {
            failing = null; // no compiler: the check runs on this machine's own NNPACK
        }
    }

    private static String child(String name, List<String> args) throws Exception {
        Path log = dir.resolve(name + ".log");
        Map<String, String> env = failing == null ? Map.of() : Map.of("LD_PRELOAD", failing.toString());
        Process p = WorkerProcess.start("com.oneshotct.worker.Main", args, env,
                List.of("-Xmx2g", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"), log);
        assertTrue(p.waitFor(8, TimeUnit.MINUTES), name + " finished");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aShortTrainWritesNoNnpackLine() throws Exception {
        if (failing != null) {
            String engine = child("engine", List.of("engine"));
            assertTrue(engine.contains("NNPACK: unavailable on this CPU (nnp_initialize status 51), switched off"),
                    engine);
        }
        String train = child("train", List.of("train", "--data", data.toString(), "--out",
                dir.resolve("t.ckpt").toString(), "--size", "64", "--backbone", "resnet18", "--iterations", "2",
                "--seg-warmup", "0"));
        assertTrue(train.contains("trained at iteration 2 of 2"), train);
        assertFalse(train.contains("NNPACK"), train);
    }
}
