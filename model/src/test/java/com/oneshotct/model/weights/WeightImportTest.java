package com.oneshotct.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.StateDict;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Published weights onto the network: {@code resnet18_tiny.pth} has every key and shape of torchvision's resnet18
 * state dict (values from strided views of one small storage, so that the file is small); its truth, per tensor,
 * is torch's sum and a few sampled elements.
 */
class WeightImportTest {
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

    private OneShotNet net(BodyArch arch, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone(arch).build());
        net.initialize(manager);
        return net;
    }

    /** Every array of the network, copied, by key. */
    private static Map<String, float[]> values(OneShotNet net) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (StateDict.Entry e : StateDict.entries(net)) {
            out.put(e.key(), e.parameter().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void torchvisionFileGoesIntoTheBody() throws Exception {
        OneShotNet net = net(BodyArch.RESNET18, 1);
        Map<String, float[]> before = values(net);
        ImportReport r = WeightImport.load(net, TorchFiles.file("resnet18_tiny.pth"), null);

        List<String> keys = Files.readAllLines(TorchFiles.file("resnet18_tiny.keys.txt"));
        NDList truth = TorchFiles.expected(manager, "resnet18_tiny");
        double[] sums = truth.get("sum").toDoubleArray();
        long[][] index = rows(truth.get("index").toLongArray(), 4);
        float[] value = truth.get("value").toFloatArray();
        Map<String, StateDict.Entry> model = new LinkedHashMap<>();
        StateDict.entries(net).forEach(e -> model.put(e.key(), e));
        int bodyArrays = 0;
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (key.startsWith("fc.")) {
                assertFalse(model.containsKey("backbone.body." + key), key);
                continue;
            }
            bodyArrays++;
            float[] got = model.get("backbone.body." + key).parameter().getArray().toFloatArray();
            double sum = 0;
            for (float v : got) {
                sum += v;
            }
            assertEquals(sums[i], sum, 1e-9 * Math.abs(sums[i]), key + ": sum");
            for (int j = 0; j < 4; j++) {
                assertEquals(value[4 * i + j], got[(int) index[i][j]], key + "[" + index[i][j] + "]");
            }
        }
        assertEquals(bodyArrays, StateDict.entries(net.backbone().body()).size(), "every body array loaded");

        Map<String, float[]> after = values(net);
        for (Map.Entry<String, float[]> e : before.entrySet()) {
            if (!e.getKey().startsWith("backbone.body.")) {
                assertArrayEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " keeps its initialisation");
            }
        }

        assertEquals(ImportReport.Layout.TORCHVISION_BODY, r.layout());
        assertEquals(bodyArrays, r.loaded());
        assertEquals(List.of("fc.weight", "fc.bias"), r.ignored().stream().map(ImportReport.Ignored::key).toList(),
                "fc reported; num_batches_tracked silently");
        assertEquals(Map.of("float32", 102, "int64", 20), r.dtypes());
        assertEquals(List.of("FPN, one level", "RPN head", "box head + predictor", "mask head + predictor",
                "s2 box head + predictor", "s2 mask head + truncated predictor", "attention layer",
                "two classifiers"), r.kept().stream().map(ImportReport.Kept::label).toList());
        String text = String.join("\n", r.lines());
        assertTrue(text.contains("layout: torchvision classification model -> backbone.body (resnet18)"), text);
        assertTrue(text.contains("ignored: fc.weight (1000, 512): torchvision's ImageNet classifier"), text);
        assertTrue(text.contains("kept initialisation: FPN, one level (backbone.fpn.*, "), text);
    }

    /** A resnet18 file into a ResNeXt50 body: refused naming the first mismatched keys, nothing set. */
    @Test
    void anotherArchitectureIsRefusedAndNothingIsSet() {
        OneShotNet net = net(BodyArch.RESNEXT50_32X4D, 1);
        Map<String, float[]> before = values(net);
        DataException e = assertThrows(DataException.class,
                () -> WeightImport.load(net, TorchFiles.file("resnet18_tiny.pth"), null));
        String m = e.getMessage();
        assertTrue(m.contains("does not fit the resnext50_32x4d body"), m);
        assertTrue(m.contains("key 'backbone.body.layer1.0.conv1.weight' has shape (64, 64, 3, 3) in the file but"
                + " (128, 64, 1, 1) in the model"), m);
        assertTrue(m.contains("missing key 'backbone.body.layer1.0.conv3.weight'"), m);
        Map<String, float[]> after = values(net);
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " untouched"));
    }

    /**
     * As the authors' train.py saves: {'epoch', 'model_weights', 'optimizer_state', 'lrate'}, the whole ResNeXt50
     * model under the reference's keys; picked by key, strict onto the whole network, every value in place.
     */
    @Test
    void authorsCheckpointGoesOntoTheWholeNetwork() throws Exception {
        OneShotNet net = net(BodyArch.RESNEXT50_32X4D, 1);
        ImportReport r = WeightImport.load(net, TorchFiles.file("authors_tiny.pth"), null);
        assertEquals(ImportReport.Layout.WHOLE_MODEL, r.layout());
        assertEquals("model_weights", r.picked());
        assertTrue(r.kept().isEmpty() && r.ignored().isEmpty(), r.lines().toString());
        List<String> keys = Files.readAllLines(TorchFiles.file("authors_tiny.keys.txt"));
        assertEquals(StateDict.entries(net).size(), keys.size(), "every array of the network is in the file");
        assertEquals(keys.size(), r.loaded());
        NDList truth = TorchFiles.expected(manager, "authors_tiny");
        double[] sums = truth.get("sum").toDoubleArray();
        long[] index = truth.get("index").toLongArray();
        float[] value = truth.get("value").toFloatArray();
        Map<String, StateDict.Entry> model = new LinkedHashMap<>();
        StateDict.entries(net).forEach(e -> model.put(e.key(), e));
        for (int i = 0; i < keys.size(); i++) {
            float[] got = model.get(keys.get(i)).parameter().getArray().toFloatArray();
            double sum = 0;
            for (float v : got) {
                sum += v;
            }
            assertEquals(sums[i], sum, 1e-9 * Math.abs(sums[i]), keys.get(i) + ": sum");
            assertEquals(value[i], got[(int) index[i]], keys.get(i) + "[" + index[i] + "]");
        }
        String text = String.join("\n", r.lines());
        assertTrue(text.contains("state dict: the file's 'model_weights'"), text);
        assertTrue(text.contains("kept initialisation: none"), text);
    }

    @Test
    void authorsCheckpointIntoAnotherBackboneIsRefused() {
        DataException e = assertThrows(DataException.class, () -> WeightImport.load(net(BodyArch.RESNET18, 1),
                TorchFiles.file("authors_tiny.pth"), null));
        assertTrue(e.getMessage().contains("a one-shot model state dict that does not fit the resnet18 network"),
                e.getMessage());
    }

    /** The network's own keys, with DataParallel's 'module.' prefix: strict, onto the whole network. */
    @Test
    void wholeModelWithModulePrefix() throws Exception {
        OneShotNet a = net(BodyArch.RESNET18, 1);
        OneShotNet b = net(BodyArch.RESNET18, 2);
        Path npz = dir.resolve("whole.npz");
        writeNpz(a, npz, "module.", null);
        ImportReport r = WeightImport.load(b, npz, null);
        assertEquals(ImportReport.Layout.WHOLE_MODEL, r.layout());
        assertTrue(r.moduleStripped());
        assertEquals(StateDict.entries(a).size(), r.loaded());
        assertTrue(r.kept().isEmpty() && r.ignored().isEmpty(), r.lines().toString());
        Map<String, float[]> va = values(a);
        Map<String, float[]> vb = values(b);
        va.forEach((k, v) -> assertArrayEquals(v, vb.get(k), k));
    }

    @Test
    void wholeModelMissingAKeyIsRefused() throws Exception {
        OneShotNet a = net(BodyArch.RESNET18, 1);
        Path npz = dir.resolve("whole.npz");
        writeNpz(a, npz, "", "attn_layer.lstm_pos.weight_ih_l0");
        DataException e = assertThrows(DataException.class, () -> WeightImport.load(net(BodyArch.RESNET18, 2), npz,
                null));
        assertTrue(e.getMessage().contains("missing key 'attn_layer.lstm_pos.weight_ih_l0'"), e.getMessage());
    }

    @Test
    void keysOfNeitherLayoutAreRefused() {
        OneShotNet net = net(BodyArch.RESNET18, 1);
        DataException e = assertThrows(DataException.class,
                () -> WeightImport.load(net, TorchFiles.file("views.pth"), null));
        assertTrue(e.getMessage().contains("keys of neither") && e.getMessage().contains("base, transposed"),
                e.getMessage());
    }

    /** {@code net}'s arrays as an npz, every key prefixed, one key left out. */
    private void writeNpz(OneShotNet net, Path npz, String prefix, String without) throws Exception {
        NDList list = new NDList();
        for (StateDict.Entry e : StateDict.entries(net)) {
            if (!e.key().equals(without)) {
                NDArray copy = e.parameter().getArray().duplicate();
                copy.setName(prefix + e.key());
                list.add(copy);
            }
        }
        try (OutputStream out = Files.newOutputStream(npz)) {
            list.encode(out, NDList.Encoding.NPZ);
        }
    }

    private static long[][] rows(long[] flat, int width) {
        long[][] out = new long[flat.length / width][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return out;
    }
}
