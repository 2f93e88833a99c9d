package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BnMode;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.testing.Golden;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code attention_head.npz}: the attention layer and both classifiers with the reference's weights (loaded by the
 * file's key names through {@link AttentionHead#loadAliased}), BatchNorm on batch statistics, one training forward
 * and backward of the BCE loss against the file's label. Tolerances: KEYS.md allows 1e-3 relative here; gradients
 * also get an absolute floor of 1e-4 of their tensor's largest magnitude, because some elements are sums that
 * cancel, and of 1e-8 overall: a conv bias right before BatchNorm ({@code conv_down.bias}) has a true gradient of
 * 0, of which both sides hold float32 noise around 1e-9.
 */
class AttentionHeadGoldenTest {
    private static final double RTOL = 1e-3;
    /** Below every real gradient of the file (1e-7 and up), above its float32 noise on true zeros (1e-9). */
    private static final double ZERO_GRAD = 1e-8;

    @Test
    void forwardLossAndGradients() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList golden = Golden.load(m, "attention_head.npz");
            AttentionHead head = new AttentionHead(256, 3, 1e-5, 0.1, BnMode.BATCH_STATS);
            head.initialize(m);
            StateDict.LoadReport report = AttentionHead.loadAliased(head, "", golden, false, "attention_head.npz");
            assertEquals(StateDict.entries(head).size(), report.loaded());
            NDArray input = golden.get("input").toType(DataType.FLOAT32, false);
            float[] label = golden.get("label").toFloatArray();
            assertEquals(1f, label[ImageClass.COVID.index], "the file's label is COVID");

            AttentionHead.Output out;
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = head.apply(new ParameterStore(m, false), input, true);
                loss = AttentionHead.loss(out.logits(), ImageClass.COVID);
                gc.backward(loss);
            }
            Golden.assertClose(golden.get("pos_vector").reshape(1, 256), out.positiveVector(), RTOL, 1e-6,
                    "pos_vector");
            Golden.assertClose(golden.get("neg_vector").reshape(1, 256), out.negativeVector(), RTOL, 1e-6,
                    "neg_vector");
            Golden.assertClose(golden.get("pos_logits"), out.positiveLogits(), RTOL, 1e-6, "pos_logits");
            Golden.assertClose(golden.get("neg_logits"), out.negativeLogits(), RTOL, 1e-6, "neg_logits");
            Golden.assertClose(golden.get("final_scores"), out.logits(), RTOL, 1e-6, "final_scores");
            Golden.assertClose(golden.get("bce_loss"), loss, 1e-5, 0, "bce_loss");

            List<String> checked = new ArrayList<>();
            for (NDArray expected : golden) {
                String name = expected.getName();
                if (!name.startsWith("grad.")) {
                    continue;
                }
                String key = AttentionHead.canonicalKey(name.substring("grad.".length()));
                NDArray param = entry(head, key).parameter().getArray();
                assertTrue(param.hasGradient(), key + " has no gradient");
                double floor = Math.max(ZERO_GRAD, 1e-4 * expected.abs().max().getFloat());
                Golden.assertClose(expected, param.getGradient(), RTOL, floor, "grad of " + key);
                checked.add(key);
            }
            // every parameter but conv_d_final.weight, which the file leaves out (KEYS.md)
            long parameters = StateDict.entries(head).stream().filter(e -> !e.kind().buffer()).count();
            assertEquals(parameters - 1, checked.size(), "gradients compared: " + checked);
        }
    }

    private static StateDict.Entry entry(AttentionHead head, String key) {
        return StateDict.entries(head).stream().filter(e -> e.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no parameter " + key));
    }
}
