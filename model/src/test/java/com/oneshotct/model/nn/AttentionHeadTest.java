package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link AttentionHead}'s keys, parameter counts, formula weights, key aliases, loss and input checks. */
class AttentionHeadTest {
    private static final List<String> PREFIXES = List.of("attn_layer.", "pos_classifier_attn.",
            "neg_classifier_attn.");

    private static AttentionHead head() {
        return AttentionHead.of(ModelConfig.defaults());
    }

    @Test
    void parameterCountsOfModelSpecSection7() {
        AttentionHead h = head();
        assertEquals(5_184_896L, StateDict.count(h.attention()), "attention layer");
        assertEquals(99_590L, StateDict.count(h.positive()) + StateDict.count(h.negative()), "two classifiers");
        assertEquals(5_184_896L + 99_590L, StateDict.count(h));
    }

    @Test
    void keysShapesAndKindsOfTheReference() throws IOException {
        Map<String, StateDict.Entry> model = new LinkedHashMap<>();
        for (StateDict.Entry e : StateDict.entries(head())) {
            model.put(e.key(), e);
        }
        int rows = 0;
        TreeSet<String> reference = new TreeSet<>();
        for (String line : Files.readAllLines(Golden.dir().resolve("oneshot_forward_weights.tsv"))) {
            String[] f = line.split("\t");
            if (PREFIXES.stream().noneMatch(f[0]::startsWith)) {
                continue;
            }
            rows++;
            reference.add(f[0]);
            StateDict.Entry e = model.get(f[0]);
            assertNotNull(e, "head lacks " + f[0]);
            long[] dims = Arrays.stream(f[1].split("x")).mapToLong(Long::parseLong).toArray();
            assertEquals(new Shape(dims), e.shape(), f[0]);
            assertEquals(ParamKind.ofTsv(f[2]), e.kind(), f[0]);
        }
        assertEquals(42, rows, "attention and classifier rows of the tsv");
        TreeSet<String> extra = new TreeSet<>();
        for (StateDict.Entry e : model.values()) {
            if (!e.kind().buffer() && !reference.contains(e.key())) {
                extra.add(e.key());
            }
        }
        assertTrue(extra.isEmpty(), "parameters the reference lacks: " + extra);
    }

    /** The formula gives the LSTM tensors their own kind: its first values are oneshot_forward.npz's probe. */
    @Test
    void formulaWeightsReachTheLstm() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList golden = Golden.load(m, "oneshot_forward.npz");
            AttentionHead h = head();
            h.initialize(m);
            FormulaWeights.apply(h, golden.get("salt").toLongArray()[0]);
            NDArray w = StateDict.entries(h).stream()
                    .filter(e -> e.key().equals("attn_layer.lstm_pos.weight_ih_l0")).findFirst().orElseThrow()
                    .parameter().getArray();
            assertArrayEquals(golden.get("probe_lstm").toFloatArray(),
                    Arrays.copyOf(w.toFloatArray(), 8));
        }
    }

    @Test
    void canonicalKeyMovesOnlyTheSieve() {
        assertEquals("attn_layer.sieve.0.conv_down.weight", AttentionHead.canonicalKey("attn_layer.conv_down.weight"));
        assertEquals("attn_layer.sieve.0.bn.running_var", AttentionHead.canonicalKey("attn_layer.bn.running_var"));
        assertEquals("attn_layer.sieve.0.conv_up.bias", AttentionHead.canonicalKey("attn_layer.conv_up.bias"));
        assertEquals("attn_layer.bn1.weight", AttentionHead.canonicalKey("attn_layer.bn1.weight"));
        assertEquals("attn_layer.sieve.0.bn.bias", AttentionHead.canonicalKey("attn_layer.sieve.0.bn.bias"));
        assertEquals("roi_heads.conv_down.weight", AttentionHead.canonicalKey("roi_heads.conv_down.weight"));
    }

    /** An incomplete file is refused, naming the whole-model key it lacks, and nothing of the model changes. */
    @Test
    void aliasedLoadReportsMissingKeys() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            AttentionHead h = head();
            h.initialize(m);
            NDArray w = m.ones(new Shape(128, 256, 2, 2));
            w.setName("attn_layer.conv_down.weight");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AttentionHead.loadAliased(h, "", new NDList(w), false, "partial.npz"));
            assertTrue(e.getMessage().startsWith("partial.npz: state dict does not fit the model"), e.getMessage());
            assertTrue(e.getMessage().contains("missing key 'attn_layer.sieve.0.bn.weight'"), e.getMessage());
            assertEquals("attn_layer.conv_down.weight", w.getName(), "the caller's array keeps its name");
        }
    }

    /**
     * Mean over 3 of max(x,0) - x y + log(1 + e^-|x|). Logits (2, 0, -1), label COVID (0, 0, 1):
     * log(1 + e^2) = 2.1269280, log 2 = 0.6931472, log(1 + e^1) = 1.3132617; mean = 4.1333369 / 3 = 1.3777790.
     */
    @Test
    void lossIsMeanBceAgainstOneHot() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray logits = m.create(new float[] {2f, 0f, -1f}, new Shape(1, 3));
            assertEquals(1.3777790f, AttentionHead.loss(logits, ImageClass.COVID).getFloat(), 1e-6f);
        }
    }

    @Test
    void rejectsRoisOfTheWrongSide() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            AttentionHead h = head();
            h.initialize(m);
            NDArray x = m.zeros(new Shape(16, 256, 14, 14));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> h.apply(new ParameterStore(m, false), x, false));
            assertEquals("AttentionLayer expects input (16, 256, 28, 28), got (16, 256, 14, 14)", e.getMessage());
        }
    }

    /** A forward on random RoIs gives the documented shapes, and logits = positive - negative. */
    @Test
    void shapesAndLogitDifference() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            AttentionHead h = head();
            h.initialize(m);
            NDArray x = m.randomNormal(new Shape(16, 256, 28, 28));
            AttentionHead.Output o = h.apply(new ParameterStore(m, false), x, false);
            assertEquals(new Shape(1, 256), o.positiveVector().getShape());
            assertEquals(new Shape(1, 256), o.negativeVector().getShape());
            assertEquals(new Shape(1, 3), o.logits().getShape());
            Golden.assertClose(o.positiveLogits().sub(o.negativeLogits()), o.logits(), 0, 0, "logits");
        }
    }

    /** A 16-channel head under {@code mode}, on {@code m}. */
    private static AttentionHead narrow(NDManager m, BnMode mode) {
        AttentionHead h = new AttentionHead(16, 3, 1e-5, 0.1, mode);
        h.initialize(m);
        return h;
    }

    /** Logits of RoIs (32, 16, 28, 28): as two sequences at once, the first 16 alone, the last 16 alone. */
    private static NDArray[] jointAndApart(NDManager m, BnMode mode, boolean training) {
        AttentionHead h = narrow(m, mode);
        ParameterStore ps = new ParameterStore(m, false);
        NDArray x = m.randomNormal(new Shape(32, 16, 28, 28));
        return new NDArray[] {h.apply(ps, x, 2, training).logits(), h.apply(ps, x.get("0:16"), training).logits(),
            h.apply(ps, x.get("16:32"), training).logits()};
    }

    @Test
    void twoSequencesWithRunningStatisticsAreTheSequencesApart() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray[] l = jointAndApart(m, BnMode.RUNNING_STATS, true);
            assertEquals(new Shape(2, 3), l[0].getShape());
            Golden.assertClose(NDArrays.concat(new NDList(l[1], l[2])), l[0], 1e-5, 1e-5,
                    "two sequences at once vs apart");
        }
    }

    /**
     * Training with batch statistics, the BatchNorms see all 32 RoIs, so each image's logits depend on the other
     * image.
     */
    @Test
    void twoSequencesWithBatchStatisticsShareTheNormalisation() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray[] l = jointAndApart(m, BnMode.BATCH_STATS, true);
            float gap = l[0].get("0:1").sub(l[1]).abs().max().getFloat();
            assertTrue(gap > 1e-4, "the first image's logits ignored the second image: gap " + gap);
        }
    }

    /** At inference batch statistics are each sequence's own, as one image alone: a batch infers as its images. */
    @Test
    void twoSequencesWithBatchStatisticsAtInferenceAreTheSequencesApart() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray[] l = jointAndApart(m, BnMode.BATCH_STATS, false);
            Golden.assertClose(NDArrays.concat(new NDList(l[1], l[2])), l[0], 1e-5, 1e-5,
                    "two sequences at once vs apart");
        }
    }

    @Test
    void sequencesMustDivideTheRois() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            AttentionHead h = narrow(m, BnMode.BATCH_STATS);
            NDArray x = m.zeros(new Shape(16, 16, 28, 28));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> h.apply(new ParameterStore(m, false), x, 3, false));
            assertEquals("AttentionLayer expects input (48, 16, 28, 28), got (16, 16, 28, 28)", e.getMessage());
        }
    }

    /**
     * Rows (2, 0, -1) COVID and (0, 0, 0) NORMAL: the first row's terms sum to 4.1333369 (see above), the second's to
     * 3 log 2 = 2.0794415; mean over 6 = 1.0354631, the mean of the two images' losses.
     */
    @Test
    void batchLossIsTheMeanOverImagesAndOutputs() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray logits = m.create(new float[] {2f, 0f, -1f, 0f, 0f, 0f}, new Shape(2, 3));
            assertEquals(1.0354631f, AttentionHead.loss(logits, List.of(ImageClass.COVID, ImageClass.NORMAL))
                    .getFloat(), 1e-6f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AttentionHead.loss(logits, List.of(ImageClass.COVID)));
            assertEquals("1 labels for 2 rows of logits (2, 3)", e.getMessage());
        }
    }
}
