package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.testing.Golden;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The closed formula of KEYS.md against the probes of {@code oneshot_forward.npz}. */
class FormulaWeightsTest {

    /** FNV-1a 32-bit test vectors: the offset basis for "", and 0xe40c292c for "a". */
    @Test
    void fnv1aVectors() {
        assertEquals(0x811c9dc5L, FormulaWeights.fnv1a(""));
        assertEquals(0xe40c292cL, FormulaWeights.fnv1a("a"));
    }

    @Test
    void formulaAloneMatchesEveryProbe() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(m, "oneshot_forward.npz");
            long salt = g.get("salt").toLongArray()[0];
            check(g, "probe_conv1", "backbone.body.conv1.weight", new Shape(64, 3, 7, 7), ParamKind.WEIGHT, salt);
            check(g, "probe_bn", "backbone.body.layer1.0.bn1.weight", new Shape(128), ParamKind.BN_WEIGHT, salt);
            check(g, "probe_fc6_bias", "roi_heads.box_head.fc6.bias", new Shape(128), ParamKind.BIAS, salt);
            check(g, "probe_conv_mask", "roi_heads.mask_predictor.conv_mask.weight", new Shape(256, 256, 2, 2),
                    ParamKind.WEIGHT_T, salt);
            check(g, "probe_lstm", "attn_layer.lstm_pos.weight_ih_l0", new Shape(1024, 256), ParamKind.LSTM, salt);
        }
    }

    private static void check(NDList g, String probe, String key, Shape shape, ParamKind kind, long salt) {
        assertArrayEquals(g.get(probe).toFloatArray(), FormulaWeights.values(key, shape, kind, salt, 8), probe);
    }

    /** Through the block tree: keys and kinds come from the blocks, and the values land in the right arrays. */
    @Test
    void applyReachesTheProbedParameters() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(m, "oneshot_forward.npz");
            long salt = g.get("salt").toLongArray()[0];
            ModelConfig config = ModelConfig.defaults();
            ResNetBody body = new ResNetBody(config);
            RoiHeads heads = new RoiHeads(config);
            body.initialize(m);
            heads.initialize(m);
            FormulaWeights.apply(body, "backbone.body.", salt);
            FormulaWeights.apply(heads, "roi_heads.", salt);
            Map<String, NDArray> arrays = StateDict.entries(body, "backbone.body.").stream()
                    .collect(Collectors.toMap(StateDict.Entry::key, e -> e.parameter().getArray()));
            StateDict.entries(heads, "roi_heads.").forEach(e -> arrays.put(e.key(), e.parameter().getArray()));
            assertArrayEquals(g.get("probe_conv1").toFloatArray(), first8(arrays.get("backbone.body.conv1.weight")));
            assertArrayEquals(g.get("probe_bn").toFloatArray(),
                    first8(arrays.get("backbone.body.layer1.0.bn1.weight")));
            assertArrayEquals(g.get("probe_fc6_bias").toFloatArray(),
                    first8(arrays.get("roi_heads.box_head.fc6.bias")));
            assertArrayEquals(g.get("probe_conv_mask").toFloatArray(),
                    first8(arrays.get("roi_heads.mask_predictor.conv_mask.weight")));
            assertArrayEquals(new float[] {0, 0, 0}, arrays.get("backbone.body.bn1.running_mean")
                    .get(new NDIndex("0:3")).toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1}, arrays.get("backbone.body.layer4.2.bn3.running_var")
                    .get(new NDIndex("-3:")).toFloatArray());
        }
    }

    /** A float64 block gets the float32 formula values, widened exactly; its running statistics too. */
    @Test
    void float64BlockHoldsTheFloat32Values() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            ModelConfig config = ModelConfig.defaults();
            Bottleneck b32 = new Bottleneck(256, 64, 1, 32, 4, config);
            Bottleneck b64 = new Bottleneck(256, 64, 1, 32, 4, config);
            b32.initialize(m, DataType.FLOAT32);
            b64.initialize(m, DataType.FLOAT64);
            FormulaWeights.apply(b32, "backbone.body.layer1.1.", 5);
            FormulaWeights.apply(b64, "backbone.body.layer1.1.", 5);
            var e32 = StateDict.entries(b32, "backbone.body.layer1.1.");
            var e64 = StateDict.entries(b64, "backbone.body.layer1.1.");
            assertEquals(e32.size(), e64.size());
            for (int i = 0; i < e32.size(); i++) {
                NDArray a = e64.get(i).parameter().getArray();
                assertEquals(DataType.FLOAT64, a.getDataType(), e64.get(i).key());
                assertArrayEquals(e32.get(i).parameter().getArray().toFloatArray(),
                        a.toType(DataType.FLOAT32, false).toFloatArray(), e64.get(i).key());
            }
        }
    }

    private static float[] first8(NDArray a) {
        return a.flatten().get(new NDIndex("0:8")).toFloatArray();
    }
}
