package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.StateDict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TrainConfig#pretrain()} and {@link TrainConfig#bodyLrScale()}: the body pre-training and its aftermath. */
class PretrainTest {
    @TempDir
    static Path dir;
    private static TrainData data;

    @BeforeAll
    static void data() {
        data = new TrainData(dir.resolve("data"));
    }

    private static TrainConfig.Builder batched() {
        return TrainData.tiny().optClsBatch(2).optBnMode(BnMode.TRAIN_BATCH_EVAL_RUNNING);
    }

    @Test
    void boundsHashAndRates() {
        String plain = TrainData.tiny().build().canonical();
        assertFalse(plain.contains("pretrain") || plain.contains("bodyLrScale"), "old checkpoints keep their hash");
        assertTrue(TrainData.tiny().optPretrain(2).optBodyLrScale(0.5).build().canonical()
                .endsWith("pretrain=2\nbodyLrScale=" + Double.toHexString(0.5) + "\n"));
        for (int bad : new int[] {-1, TrainConfig.MAX_ITERATIONS + 1}) {
            String msg = assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optPretrain(bad).build())
                    .getMessage();
            assertTrue(msg.contains("pretrain") && msg.contains(Integer.toString(bad)), msg);
        }
        for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> TrainData.tiny().optBodyLrScale(bad).build()).getMessage();
            assertTrue(msg.contains("bodyLrScale") && msg.contains(Double.toString(bad)), msg);
        }
        // lr 1e-3, floor 1e-5: a cosine over the 4 pre-training iterations, then lrAt of the paper's own index
        TrainConfig c = TrainData.tiny().optPretrain(4).optLrDecay(10).build();
        assertEquals(1e-3, c.rateAt(0), 1e-15);
        assertEquals(1e-5 + 0.99e-3 * (1 + Math.cos(Math.PI / 4)) / 2, c.rateAt(1), 1e-15);
        assertEquals(5.05e-4, c.rateAt(2), 1e-15);
        assertEquals(1e-3, c.rateAt(4), 1e-15, "the paper's iterations start their decay afresh");
        assertEquals(5.05e-4, c.rateAt(9), 1e-15);
        assertEquals(1e-5, c.rateAt(14), 1e-15);
        assertTrue(c.pretraining(3) && !c.pretraining(4));
        TrainConfig none = TrainData.tiny().optLrDecay(10).build();
        for (int i = 0; i < 12; i++) {
            assertEquals(none.lrAt(i), none.rateAt(i), "without pre-training rateAt is lrAt");
        }
    }

    /** Pre-training moves the body and its own linear layer; every other array stays bit-identical. */
    @Test
    void pretrainingTrainsTheBodyOnly() {
        TrainConfig config = batched().optPretrain(2).optIterations(2).build();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            Map<String, byte[]> before = TrainData.snapshot(t.net());
            byte[] weightBefore = TrainData.bytes(t.pretrainHead().get(BodyPretrainStep.WEIGHT));
            List<Map<String, Float>> seen = new ArrayList<>();
            t.run((i, n, l) -> seen.add(l), () -> false, null);
            assertEquals(2, seen.size());
            for (Map<String, Float> l : seen) {
                assertEquals(Set.of(PaperTrainer.PRETRAIN), l.keySet());
                assertTrue(Float.isFinite(l.get(PaperTrainer.PRETRAIN)) && l.get(PaperTrainer.PRETRAIN) > 0, "" + l);
            }
            Map<String, byte[]> after = TrainData.snapshot(t.net());
            int moved = 0;
            for (String k : before.keySet()) {
                boolean same = java.util.Arrays.equals(before.get(k), after.get(k));
                if (!k.startsWith("backbone.body.")) {
                    assertTrue(same, k + " changed during the body pre-training");
                } else if (!same) {
                    moved++;
                }
            }
            assertFalse(java.util.Arrays.equals(before.get("backbone.body.conv1.weight"),
                    after.get("backbone.body.conv1.weight")), "the body learns");
            assertTrue(moved > 50, "most body arrays move, " + moved + " did");
            assertFalse(java.util.Arrays.equals(weightBefore,
                    TrainData.bytes(t.pretrainHead().get(BodyPretrainStep.WEIGHT))), "the linear layer learns");
        }
    }

    /** The pooled classifier fits a batch it sees again and again: the loss falls to under half. */
    @Test
    void pretrainingFitsARepeatedBatch() {
        TrainConfig config = batched().build();
        List<ClassificationItem> batch = data.classification;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            OneShotNet net = PaperTrainer.newNet(config, m);
            BodyPretrainStep step = new BodyPretrainStep(net, m, 7);
            List<NDArray> params = new ArrayList<>(net.bodyParameters());
            params.addAll(step.head().values());
            step.use(new Adam(params, m, 1e-3, 0.9, 0.999, 1e-8, 0));
            float first = step.run(batch.stream().map(ClassificationItem::load).toList(),
                    batch.stream().map(ClassificationItem::label).toList());
            float last = first;
            for (int i = 0; i < 20; i++) {
                last = step.run(batch.stream().map(ClassificationItem::load).toList(),
                        batch.stream().map(ClassificationItem::label).toList());
            }
            assertTrue(last < first / 2, "loss " + first + " -> " + last);
        }
    }

    /**
     * The paper's iterations follow the pre-training: the warm-up counts from its end, and only then does the body
     * learn at {@code bodyLrScale} (exactly the body's arrays), the rest at the rate.
     */
    @Test
    void warmupAndBodyRateCountFromTheEndOfPretraining() {
        TrainConfig config = batched().optPretrain(1).optSegWarmup(1).optIterations(3).optBodyLrScale(0.25).build();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            Map<NDArray, Boolean> isBody = new IdentityHashMap<>();
            t.net().bodyParameters().forEach(a -> isBody.put(a, true));
            List<NDArray> held = t.adam().parameters();
            List<String> kinds = new ArrayList<>();
            List<Double> bodyScales = new ArrayList<>();
            t.run((i, n, l) -> {
                kinds.add(l.containsKey(PaperTrainer.PRETRAIN) ? "pretrain"
                        : l.containsKey(PaperTrainer.CLASSIFICATION) ? "paper" : "warm-up");
                for (int k = 0; k < held.size(); k++) {
                    double s = t.adam().rateScale(k);
                    if (isBody.containsKey(held.get(k))) {
                        bodyScales.add(s);
                    } else {
                        assertEquals(1, s, "only the body is slowed");
                    }
                }
            }, () -> false, null);
            assertEquals(List.of("pretrain", "warm-up", "paper"), kinds);
            int perIteration = isBody.size();
            assertEquals(3 * perIteration, bodyScales.size());
            for (int k = 0; k < bodyScales.size(); k++) {
                assertEquals(k < perIteration ? 1 : 0.25, bodyScales.get(k), "iteration " + (k / perIteration + 1));
            }
        }
    }

    /**
     * Train 4 iterations (2 of them pre-training) straight, versus 1, checkpoint in the middle of the pre-training,
     * load into a fresh model and trainer, 3 more: every state-dict array, the pre-training layer and every Adam
     * moment are bit-identical; the checkpoint keeps both settings.
     */
    @Test
    void resumedInsideThePretrainingEqualsUninterrupted() {
        TrainConfig config = batched().optPretrain(2).optIterations(4).optBodyLrScale(0.5).build();
        Map<String, byte[]> straight;
        List<byte[]> straightOpt;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            t.run((i, n, l) -> { }, () -> false, null);
            straight = TrainData.snapshot(t.net());
            straightOpt = optimiser(t);
        }
        Path file = dir.resolve("pre.ckpt");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            assertEquals(1, t.run((i, n, l) -> { }, () -> t.iteration() >= 1, file));
        }
        assertEquals(2, TrainedModel.config(file).pretrain());
        assertEquals(0.5, TrainedModel.config(file).bodyLrScale());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(777);
            OneShotNet fresh = new OneShotNet(config.modelConfig());
            fresh.initialize(m);
            PaperTrainer t = new PaperTrainer(config, fresh, m, data.segmentation, data.classification);
            // a different start for the linear layer too, so only the checkpoint can make them agree
            t.pretrainHead().get(BodyPretrainStep.BIAS).set(new float[] {9f, 9f, 9f});
            assertEquals(1, Checkpoint.load(t, file).iteration());
            assertEquals(4, t.run((i, n, l) -> { }, () -> false, null));
            Map<String, byte[]> resumed = TrainData.snapshot(t.net());
            for (String k : straight.keySet()) {
                assertArrayEquals(straight.get(k), resumed.get(k), k + " differs after resume");
            }
            List<byte[]> resumedOpt = optimiser(t);
            assertEquals(straightOpt.size(), resumedOpt.size());
            for (int i = 0; i < straightOpt.size(); i++) {
                assertArrayEquals(straightOpt.get(i), resumedOpt.get(i), "optimiser array " + i);
            }
        }
    }

    /** Adam's moments and the pre-training layer, in a fixed order. */
    private static List<byte[]> optimiser(PaperTrainer t) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < t.optimizerKeys().size(); i++) {
            out.add(TrainData.bytes(t.adam().m(i)));
            out.add(TrainData.bytes(t.adam().v(i)));
        }
        t.pretrainHead().values().forEach(a -> out.add(TrainData.bytes(a)));
        assertNotEquals(0, out.size());
        return out;
    }
}
