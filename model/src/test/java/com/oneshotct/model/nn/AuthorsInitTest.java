package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.config.ModelConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The authors' initialisation of the s2 predictor and the attention layer ({@code attn_model.py}): every conv
 * weight kaiming_normal(fan_out, relu), every bias 0.01 (BatchNorm and LSTM biases included), BatchNorm weights 1,
 * LSTM and linear weights PyTorch's U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the classifiers keep PyTorch's defaults.
 */
class AuthorsInitTest {
    @Test
    void attentionLayerAndS2PredictorStartAsTheAuthorsDo() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(11);
            OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone("resnet18").optImageSize(64).build());
            net.initialize(m);
            Map<String, String> seen = new HashMap<>();
            for (StateDict.Entry e : StateDict.entries(net)) {
                String k = e.key();
                boolean authors = k.startsWith("attn_layer.") || k.startsWith("roi_heads.mask_predictor_s2.");
                if (!authors || e.kind().buffer()) {
                    continue;
                }
                float[] v = e.parameter().getArray().toFloatArray();
                Shape s = e.shape();
                if (k.endsWith("bias") || k.contains(".bias_")) {
                    for (float x : v) {
                        assertEquals(0.01f, x, 0f, k);
                    }
                    seen.put(k, "bias");
                } else if (k.contains("conv")) {
                    long fanOut = s.get(0) * s.size() / (s.get(0) * s.get(1));
                    double expected = Math.sqrt(2.0 / fanOut);
                    assertEquals(0, mean(v), 4 * expected / Math.sqrt(v.length), k + " mean");
                    assertEquals(expected, std(v), 0.03 * expected, k + " std (fan_out " + fanOut + ")");
                    seen.put(k, "kaiming");
                } else if (k.startsWith("attn_layer.bn") || k.startsWith("attn_layer.sieve.0.bn")) {
                    for (float x : v) {
                        assertEquals(1f, x, 0f, k);
                    }
                    seen.put(k, "one");
                } else {
                    double bound = 1 / Math.sqrt(s.get(s.dimension() - 1));
                    for (float x : v) {
                        assertTrue(Math.abs(x) <= bound, k + ": " + x + " outside +-" + bound);
                    }
                    assertTrue(std(v) > 0.5 * bound / Math.sqrt(3), k + " is not uniform over +-" + bound);
                    seen.put(k, "uniform");
                }
            }
            assertEquals("kaiming", seen.get("roi_heads.mask_predictor_s2.conv_mask.weight"));
            assertEquals("bias", seen.get("roi_heads.mask_predictor_s2.conv_reduce.bias"));
            assertEquals("kaiming", seen.get("attn_layer.sieve.0.conv_up.weight"));
            assertEquals("bias", seen.get("attn_layer.sieve.0.bn.bias"));
            assertEquals("one", seen.get("attn_layer.bn3.weight"));
            assertEquals("bias", seen.get("attn_layer.lstm_neg.bias_hh_l0"));
            assertEquals("uniform", seen.get("attn_layer.lstm_pos.weight_ih_l0"));
            assertEquals("uniform", seen.get("attn_layer.final_linear_pos.weight"));
            assertEquals("bias", seen.get("attn_layer.final_linear_neg.bias"));
            assertEquals(34, seen.size(), "attention layer 30 tensors, s2 predictor 4: " + seen);
            float[] classifierBias = StateDict.entries(net).stream()
                    .filter(e -> e.key().equals("pos_classifier_attn.fc_l1.bias")).findFirst().orElseThrow()
                    .parameter().getArray().toFloatArray();
            assertTrue(classifierBias[0] != 0.01f || classifierBias[1] != 0.01f, "the classifiers keep PyTorch's default");
        }
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(float[] v) {
        double mu = mean(v);
        double s = 0;
        for (float x : v) {
            s += (x - mu) * (x - mu);
        }
        return Math.sqrt(s / v.length);
    }
}
