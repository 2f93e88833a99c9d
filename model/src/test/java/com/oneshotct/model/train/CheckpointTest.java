package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.nn.OneShotNet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    static Path dir;
    private static TrainData data;

    @BeforeAll
    static void data() {
        data = new TrainData(dir.resolve("data"));
    }

    /**
     * Train 4 iterations straight, versus 2, checkpoint, load into a fresh model (initialised differently) and a
     * fresh trainer, 2 more: every state-dict array and every Adam moment is bit-identical. Also shows that two
     * uninterrupted runs agree, so a failure here would be the checkpoint's, not the kernels'. With the paper's
     * constant learning rate and with a cosine decay over 3 iterations (each iteration's rate then differs).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void resumedRunEqualsUninterruptedRun(int lrDecay) {
        TrainConfig config = TrainData.tiny().optIterations(4).optLrDecay(lrDecay).build();
        Map<String, byte[]> straight;
        List<byte[]> straightMoments;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            assertEquals(4, t.run((i, n, l) -> { }, () -> false, null));
            straight = TrainData.snapshot(t.net());
            straightMoments = moments(t);
        }
        Path file = dir.resolve("half.ckpt");
        String sha;
        List<Integer> seen = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            String[] written = new String[1];
            int reached = t.run(new PaperTrainer.Listener() {
                @Override
                public void iteration(int iteration, int total, Map<String, Float> losses) {
                    seen.add(iteration);
                    assertEquals(4, total);
                    assertTrue(losses.containsKey(PaperTrainer.CLASSIFICATION) && losses.containsKey(
                            PaperTrainer.SEGMENTATION) && losses.keySet().containsAll(SegmentationStep.LOSSES));
                    losses.values().forEach(v -> assertTrue(Float.isFinite(v), "loss " + losses));
                }

                @Override
                public void checkpoint(int iteration, Path f, String sha256) {
                    written[0] = sha256;
                }
            }, () -> t.iteration() >= 2, file);
            assertEquals(2, reached);
            sha = written[0];
        }
        assertEquals(List.of(1, 2), seen, "the callback ran once per iteration, and the stop was honoured");
        assertEquals(Checkpoint.sha256(file), sha, "the SHA-256 handed to the listener is the file's");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(12345);
            OneShotNet fresh = new OneShotNet(config.modelConfig());
            fresh.initialize(m);
            assertNotEquals(Arrays.toString(straight.get("backbone.body.conv1.weight")),
                    Arrays.toString(TrainData.snapshot(fresh).get("backbone.body.conv1.weight")));
            PaperTrainer t = new PaperTrainer(config, fresh, m, data.segmentation, data.classification);
            Checkpoint.Info info = Checkpoint.load(t, file, sha);
            assertEquals(2, info.iteration());
            assertEquals(4, t.run((i, n, l) -> { }, () -> false, null));
            Map<String, byte[]> resumed = TrainData.snapshot(t.net());
            assertEquals(straight.keySet(), resumed.keySet());
            for (String k : straight.keySet()) {
                assertArrayEquals(straight.get(k), resumed.get(k), k + " differs after resume");
            }
            List<byte[]> resumedMoments = moments(t);
            for (int i = 0; i < straightMoments.size(); i++) {
                assertArrayEquals(straightMoments.get(i), resumedMoments.get(i), "adam moment " + i);
            }
        }
    }

    @Test
    void checkpointOfAnotherConfigIsRefused() {
        Path file = dir.resolve("lr.ckpt");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainConfig a = TrainData.tiny().build();
            PaperTrainer ta = new PaperTrainer(a, PaperTrainer.newNet(a, m), m, data.segmentation,
                    data.classification);
            Checkpoint.save(ta, file);
            TrainConfig b = TrainData.tiny().optLr(2e-3).build();
            PaperTrainer tb = new PaperTrainer(b, PaperTrainer.newNet(b, m), m, data.segmentation,
                    data.classification);
            assertNotEquals(a.hash(), b.hash());
            ForeignCheckpointException e = assertThrows(ForeignCheckpointException.class,
                    () -> Checkpoint.load(tb, file));
            assertTrue(e.getMessage().contains(a.hash()) && e.getMessage().contains(b.hash()), e.getMessage());
            assertTrue(e.getMessage().contains("differs in (checkpoint / this): lr 0.001 / 0.002"), e.getMessage());
            // the horizon is not part of the hash: a run may be resumed with more iterations
            TrainConfig longer = TrainData.tiny().optIterations(99).optCheckpointInterval(7).build();
            PaperTrainer tl = new PaperTrainer(longer, PaperTrainer.newNet(longer, m), m, data.segmentation,
                    data.classification);
            assertEquals(0, Checkpoint.load(tl, file).iteration());
        }
    }

    @Test
    void corruptOrTruncatedCheckpointIsDetected() throws Exception {
        Path file = dir.resolve("good.ckpt");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainConfig c = TrainData.tiny().build();
            PaperTrainer t = new PaperTrainer(c, PaperTrainer.newNet(c, m), m, data.segmentation,
                    data.classification);
            String sha = Checkpoint.save(t, file);
            byte[] good = Files.readAllBytes(file);
            int header = indexOf(good, "\"iteration\"".getBytes(StandardCharsets.US_ASCII));
            assertTrue(header > 0, "header.json is stored uncompressed");
            // a byte in the weights' data (middle of the file), a byte of the header's content, the tail cut off
            List<byte[]> bad = List.of(flip(good, good.length / 2), flip(good, header + 2),
                    Arrays.copyOf(good, good.length - 100));
            for (int i = 0; i < bad.size(); i++) {
                Path f = dir.resolve("bad" + i + ".ckpt");
                Files.write(f, bad.get(i));
                DataException e = assertThrows(DataException.class, () -> Checkpoint.load(t, f), "case " + i);
                assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(f.toString()),
                        e.getMessage());
                DataException h = assertThrows(DataException.class, () -> Checkpoint.load(t, f, sha));
                assertTrue(h.getMessage().contains(sha), h.getMessage());
            }
            assertEquals(sha, Checkpoint.load(t, file, sha).sha256());
        }
    }

    @Test
    void stopFlagAndCheckpointInterval() {
        TrainConfig config = TrainData.tiny().optIterations(5).optCheckpointInterval(1).build();
        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> saved = new ArrayList<>();
        Path file = dir.resolve("stop.ckpt");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            int reached = t.run(new PaperTrainer.Listener() {
                @Override
                public void iteration(int iteration, int total, Map<String, Float> losses) {
                    stop.set(true);
                }

                @Override
                public void checkpoint(int iteration, Path f, String sha256) {
                    saved.add(iteration);
                }
            }, stop::get, file);
            assertEquals(1, reached);
            assertEquals(List.of(1), saved, "saved once at the interval, not again at the stop");
            assertEquals(1, Checkpoint.load(t, file).iteration());
        }
    }

    @Test
    void configBuilderNamesTheBadField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optLr(0).build())
                .getMessage().contains("lr"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optImageSize(100).build())
                .getMessage().contains("imageSize"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optBetas(0.9, 1).build())
                .getMessage().contains("beta2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optBackbone("vgg"))
                .getMessage().contains("vgg"));
    }

    private static List<byte[]> moments(PaperTrainer t) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < t.optimizerKeys().size(); i++) {
            out.add(TrainData.bytes(t.adam().m(i)));
            out.add(TrainData.bytes(t.adam().v(i)));
        }
        return out;
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x5a;
        return c;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
