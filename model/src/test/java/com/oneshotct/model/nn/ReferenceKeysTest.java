package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The network's keys against the reference's state dict ({@code oneshot_forward_weights.tsv}: key, shape, kind of
 * every parameter of the ResNeXt50 model). Every key must be there exactly, with the same shape and kind, and
 * nothing else.
 */
class ReferenceKeysTest {
    private record Row(Shape shape, ParamKind kind) {}

    private static Map<String, Row> reference() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Golden.dir().resolve("oneshot_forward_weights.tsv"))) {
            String[] f = line.split("\t");
            long[] dims = Arrays.stream(f[1].split("x")).mapToLong(Long::parseLong).toArray();
            rows.put(f[0], new Row(new Shape(dims), ParamKind.ofTsv(f[2])));
        }
        return rows;
    }

    @Test
    void builtPartsMatchReference() throws IOException {
        Map<String, Row> ref = reference();
        // 183 segmentation rows + 8 s2 box rows + 6 s2 mask rows + 30 attention layer rows + 12 classifier rows
        assertEquals(239, ref.size(), "every row of the tsv");
        Map<String, StateDict.Entry> model = new LinkedHashMap<>();
        for (StateDict.Entry e : StateDict.entries(new OneShotNet(ModelConfig.defaults()))) {
            model.put(e.key(), e);
        }
        for (Map.Entry<String, Row> r : ref.entrySet()) {
            StateDict.Entry e = model.get(r.getKey());
            assertNotNull(e, "model lacks " + r.getKey());
            assertEquals(r.getValue().shape(), e.shape(), r.getKey());
            assertEquals(r.getValue().kind(), e.kind(), r.getKey());
        }
        TreeSet<String> extra = new TreeSet<>();
        for (StateDict.Entry e : model.values()) {
            if (!ref.containsKey(e.key()) && !e.kind().buffer()) {
                extra.add(e.key());
            }
        }
        assertTrue(extra.isEmpty(), "parameters the reference lacks: " + extra);
    }

    /** Every BatchNorm has its running statistics beside its weight, as PyTorch's state dict. */
    @Test
    void runningStatisticsBesideEveryBatchNorm() throws IOException {
        Map<String, StateDict.Entry> model = new LinkedHashMap<>();
        for (StateDict.Entry e : StateDict.entries(new OneShotNet(ModelConfig.defaults()))) {
            model.put(e.key(), e);
        }
        int bn = 0;
        for (Map.Entry<String, Row> r : reference().entrySet()) {
            if (r.getValue().kind() != ParamKind.BN_WEIGHT) {
                continue;
            }
            String base = r.getKey().substring(0, r.getKey().length() - "weight".length());
            assertEquals(ParamKind.BN_MEAN, model.get(base + "running_mean").kind());
            assertEquals(ParamKind.BN_VAR, model.get(base + "running_var").kind());
            assertEquals(r.getValue().shape(), model.get(base + "running_var").shape());
            bn++;
        }
        assertEquals(57, bn, "BatchNorms: ResNeXt50 stem + 16 blocks * 3 + 4 downsamples, and 4 in the attention layer");
        assertEquals(239 + 2 * 57, model.size());
    }
}
