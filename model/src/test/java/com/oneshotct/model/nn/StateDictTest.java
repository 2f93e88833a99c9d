package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.DataException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictTest {
    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private RpnHead head() {
        RpnHead h = new RpnHead(8, 3);
        h.initialize(manager);
        return h;
    }

    /** The head's arrays under their keys, copied. */
    private NDList export(RpnHead h) {
        NDList out = new NDList();
        for (StateDict.Entry e : StateDict.entries(h)) {
            NDArray a = e.parameter().getArray().duplicate();
            a.setName(e.key());
            out.add(a);
        }
        return out;
    }

    @Test
    void keysStripDjlIndexAndTakePrefix() {
        List<String> keys = StateDict.entries(new RpnHead(8, 3), "rpn.head.").stream().map(StateDict.Entry::key)
                .toList();
        assertEquals(List.of("rpn.head.conv.weight", "rpn.head.conv.bias", "rpn.head.cls_logits.weight",
                "rpn.head.cls_logits.bias", "rpn.head.bbox_pred.weight", "rpn.head.bbox_pred.bias"), keys);
    }

    /** A DJL BatchNorm child gets PyTorch's names and kinds. */
    @Test
    void djlBatchNormNamesMapToPyTorch() {
        Seq seq = new Seq(BatchNorm.builder().build());
        List<StateDict.Entry> e = StateDict.entries(seq);
        assertEquals(List.of("0.weight", "0.bias", "0.running_mean", "0.running_var"),
                e.stream().map(StateDict.Entry::key).toList());
        assertEquals(List.of(ParamKind.BN_WEIGHT, ParamKind.BN_BIAS, ParamKind.BN_MEAN, ParamKind.BN_VAR),
                e.stream().map(StateDict.Entry::kind).toList());
    }

    /** Whole ResNet18 network: export, import into a differently initialised one, every array equal. */
    @Test
    void roundTripThroughNpz() {
        ModelConfig config = ModelConfig.builder().optBackbone(BodyArch.RESNET18).build();
        Engine.getInstance().setRandomSeed(1);
        OneShotNet a = new OneShotNet(config);
        a.initialize(manager);
        Engine.getInstance().setRandomSeed(2);
        OneShotNet b = new OneShotNet(config);
        b.initialize(manager);
        StateDict.Entry first = StateDict.entries(b).get(0);
        assertEquals("backbone.body.conv1.weight", first.key());
        NDArray before = new ParameterStore(manager, false).getValue(first.parameter(), manager.getDevice(), false);
        assertNotEquals(StateDict.entries(a).get(0).parameter().getArray().getFloat(0, 0, 0, 0),
                before.getFloat(0, 0, 0, 0), "differently initialised");
        Path file = dir.resolve("sd.npz");
        StateDict.save(a, file);
        StateDict.LoadReport report = StateDict.load(b, file);
        List<StateDict.Entry> ea = StateDict.entries(a);
        List<StateDict.Entry> eb = StateDict.entries(b);
        assertEquals(ea.size(), report.loaded());
        assertTrue(report.ignored().isEmpty());
        for (int i = 0; i < ea.size(); i++) {
            assertEquals(ea.get(i).key(), eb.get(i).key());
            assertArrayEquals(ea.get(i).parameter().getArray().toFloatArray(),
                    eb.get(i).parameter().getArray().toFloatArray(), ea.get(i).key());
        }
        // In place: an array handed out before the import holds the imported values.
        assertArrayEquals(ea.get(0).parameter().getArray().toFloatArray(), before.toFloatArray());
    }

    @Test
    void missingKeyIsNamed() {
        RpnHead h = head();
        NDList arrays = export(h);
        arrays.remove("cls_logits.bias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateDict.load(h, "", arrays, true, "test dict"));
        assertTrue(e.getMessage().contains("test dict"), e.getMessage());
        assertTrue(e.getMessage().contains("missing key 'cls_logits.bias' (model shape (3))"), e.getMessage());
    }

    @Test
    void misShapedKeyNamesBothShapes() {
        RpnHead h = head();
        NDList arrays = export(h);
        arrays.remove("bbox_pred.weight");
        NDArray wrong = manager.zeros(new Shape(6, 8, 1, 1));
        wrong.setName("bbox_pred.weight");
        arrays.add(wrong);
        float[] kept = h.getParameters().get("03bbox_pred_bias").getArray().toFloatArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateDict.load(h, "", arrays, true, "test dict"));
        assertTrue(e.getMessage().contains(
                "key 'bbox_pred.weight' has shape (6, 8, 1, 1) in the file but (12, 8, 1, 1) in the model"),
                e.getMessage());
        // Nothing was set.
        assertArrayEquals(kept, h.getParameters().get("03bbox_pred_bias").getArray().toFloatArray());
    }

    @Test
    void unexpectedKeyStrictOrIgnored() {
        RpnHead h = head();
        NDList arrays = export(h);
        NDArray extra = manager.zeros(new Shape(2));
        extra.setName("attn_layer.bn1.weight");
        arrays.add(extra);
        NDArray tracked = manager.create(5L);
        tracked.setName("conv.num_batches_tracked");
        arrays.add(tracked);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateDict.load(h, "", arrays, true, "test dict"));
        assertTrue(e.getMessage().contains("unexpected key 'attn_layer.bn1.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("1 problem(s)"), "num_batches_tracked is no problem: " + e.getMessage());
        StateDict.LoadReport r = StateDict.load(h, "", arrays, false, "test dict");
        assertEquals(6, r.loaded());
        assertEquals(List.of("attn_layer.bn1.weight", "conv.num_batches_tracked"), r.ignored());
    }

    /** A file error names the file; float16 arrays are converted. */
    @Test
    void fileErrorsNameTheFileAndTypesConvert() {
        RpnHead h = head();
        NDList arrays = export(h);
        NDList half = new NDList();
        for (NDArray a : arrays) {
            NDArray x = a.mul(0).add(0.5).toType(DataType.FLOAT16, false);
            x.setName(a.getName());
            half.add(x);
        }
        Path good = dir.resolve("half.npz");
        write(half, good);
        StateDict.load(h, good);
        assertEquals(0.5f, h.getParameters().get("01conv_weight").getArray().getFloat(0, 0, 0, 0));
        half.remove("conv.bias");
        Path bad = dir.resolve("bad.npz");
        write(half, bad);
        DataException e = assertThrows(DataException.class, () -> StateDict.load(h, bad));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().contains("missing key 'conv.bias'"), e.getMessage());
    }

    @Test
    void uninitialisedModelIsRefused() {
        assertThrows(IllegalStateException.class,
                () -> StateDict.load(new RpnHead(8, 3), "", new NDList(), true, "x"));
    }

    private static void write(NDList list, Path file) {
        try (var out = java.nio.file.Files.newOutputStream(file)) {
            list.encode(out, NDList.Encoding.NPZ);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
