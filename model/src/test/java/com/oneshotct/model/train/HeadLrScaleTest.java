package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.nn.StateDict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TrainConfig#headLrScale()}: the FPN and the classification head learn at a fraction of the rate. */
class HeadLrScaleTest {
    @Test
    void boundsAndHash() {
        assertFalse(TrainData.tiny().build().canonical().contains("headLrScale"),
                "checkpoints from before the setting keep their hash");
        assertTrue(TrainData.tiny().optHeadLrScale(0.1).build().canonical()
                .endsWith("headLrScale=" + Double.toHexString(0.1) + "\n"));
        for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> TrainData.tiny().optHeadLrScale(bad).build()).getMessage();
            assertTrue(msg.contains("headLrScale") && msg.contains(Double.toString(bad)), msg);
        }
    }

    /**
     * Two parameters with the same gradient, one at scale 1/4: Adam's first step moves it by a quarter of the
     * other's move.
     */
    @Test
    void adamMovesAScaledParameterByThatFraction() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a = m.create(new float[] {1f, -2f, 3f}, new Shape(3));
            NDArray b = m.create(new float[] {1f, -2f, 3f}, new Shape(3));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Adam adam = new Adam(List.of(a, b), m, 0.1, 0.9, 0.999, 1e-8, 0);
            adam.setRateScale(List.of(b), 0.25);
            assertEquals(1, adam.rateScale(0));
            assertEquals(0.25, adam.rateScale(1));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(a).sum().add(b.mul(b).sum()));
            }
            adam.update();
            float[] movedA = m.create(new float[] {1f, -2f, 3f}).sub(a).toFloatArray();
            float[] movedB = m.create(new float[] {1f, -2f, 3f}).sub(b).toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(movedA[i] / 4, movedB[i], 1e-6, "element " + i);
                assertEquals(0.1 * Math.signum(movedA[i]), movedA[i], 1e-6, "Adam's first step is lr * sign(g)");
            }
            assertThrows(IllegalArgumentException.class, () -> adam.setRateScale(List.of(a), 0));
        }
    }

    /**
     * The trainer scales exactly the FPN, attention layer and classifiers; a segmentation step still moves the body
     * as an unscaled run does (bit for bit) but the FPN differently; the checkpoint keeps the setting.
     */
    @Test
    void trainerScalesTheHeadOnly(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        // one segmentation step only: the body's gradient is taken before any update, so it cannot differ
        TrainConfig plain = TrainData.tiny().optIterations(1).optSegWarmup(1).build();
        TrainConfig scaled = TrainData.tiny().optIterations(1).optSegWarmup(1).optHeadLrScale(0.5).build();
        Map<String, byte[]> afterPlain;
        Map<String, byte[]> afterScaled;
        Path file = dir.resolve("h.ckpt");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(plain, PaperTrainer.newNet(plain, m), m, data.segmentation,
                    data.classification);
            t.run((i, n, l) -> { }, () -> false, null);
            afterPlain = TrainData.snapshot(t.net());
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(scaled, PaperTrainer.newNet(scaled, m), m, data.segmentation,
                    data.classification);
            Set<String> half = new java.util.TreeSet<>();
            List<NDArray> adamParams = t.adam().parameters();
            Map<NDArray, String> keyOf = new java.util.IdentityHashMap<>();
            StateDict.entries(t.net()).forEach(e -> keyOf.put(e.parameter().getArray(), e.key()));
            for (int i = 0; i < adamParams.size(); i++) {
                if (t.adam().rateScale(i) == 0.5) {
                    half.add(keyOf.get(adamParams.get(i)));
                } else {
                    assertEquals(1, t.adam().rateScale(i), keyOf.get(adamParams.get(i)));
                }
            }
            Set<String> prefixes = half.stream().map(k -> k.substring(0, k.indexOf('.', k.indexOf('.') + 1)))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("backbone.fpn", "attn_layer.sieve", "attn_layer.conv_d1", "attn_layer.bn1",
                    "attn_layer.conv_d2", "attn_layer.bn2", "attn_layer.conv_d_final", "attn_layer.bn3",
                    "attn_layer.lstm_pos", "attn_layer.lstm_neg", "attn_layer.final_linear_pos",
                    "attn_layer.final_linear_neg", "pos_classifier_attn.fc_l1", "pos_classifier_attn.fc_l2",
                    "pos_classifier_attn.class_predict_logits", "neg_classifier_attn.fc_l1", "neg_classifier_attn.fc_l2",
                    "neg_classifier_attn.class_predict_logits"), prefixes, "scaled: " + half);
            t.run((i, n, l) -> { }, () -> false, file);
            afterScaled = TrainData.snapshot(t.net());
        }
        String body = "backbone.body.layer1.0.conv1.weight";
        String fpn = "backbone.fpn.layer_blocks.0.weight";
        assertArrayEquals(afterPlain.get(body), afterScaled.get(body), "the body keeps the rate");
        assertFalse(java.util.Arrays.equals(afterPlain.get(fpn), afterScaled.get(fpn)), "the FPN moves less");
        assertEquals(0.5, TrainedModel.config(file).headLrScale(), "the checkpoint keeps the setting");
    }
}
