package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.StateDict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassificationStepTest {
    @TempDir
    static Path dir;
    private static TrainData data;

    @BeforeAll
    static void data() {
        data = new TrainData(dir);
    }

    /**
     * On the paper's shared optimiser (segmentation + classification parameters, weight decay on), a classification
     * step moves backbone, attention and classifier weights and nothing else: RPN, box/mask heads and the s2 heads
     * stay bit-identical (so the shared Adam neither decays nor steps them), and only the step's own parameters
     * count a step. BatchNorm running statistics of the backbone and attention move (training mode).
     */
    @Test
    void updatesOnlyItsParameters() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TrainConfig c = TrainData.tiny().build();
            OneShotNet net = PaperTrainer.newNet(c, manager);
            Set<NDArray> cls = identity(net.classificationParameters());
            List<NDArray> union = new ArrayList<>(net.segmentationParameters());
            net.classificationParameters().stream().filter(p -> !identity(union).contains(p)).forEach(union::add);
            Adam adam = new Adam(union, manager, 1e-3, 0.9, 0.999, 1e-8, 1e-3);
            Map<String, byte[]> before = TrainData.snapshot(net);
            ClassificationItem item = data.classification.get(0);
            float loss = new ClassificationStep(net, manager, adam).run(item.load(), item.label());
            assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
            Map<String, byte[]> after = TrainData.snapshot(net);
            List<String> changed = new ArrayList<>();
            for (StateDict.Entry e : StateDict.entries(net)) {
                boolean moved = !Arrays.equals(before.get(e.key()), after.get(e.key()));
                if (e.kind().buffer() || cls.contains(e.parameter().getArray())) {
                    if (moved) {
                        changed.add(e.key());
                    }
                } else {
                    assertFalse(moved, e.key() + " is not the classification step's, yet it changed");
                }
            }
            for (String k : List.of("backbone.body.conv1.weight", "backbone.fpn.inner_blocks.0.weight",
                    "attn_layer.sieve.0.conv_down.weight", "attn_layer.lstm_pos.weight_ih_l0",
                    "pos_classifier_attn.fc_l1.weight", "neg_classifier_attn.fc_l1.weight",
                    "backbone.body.bn1.running_mean", "attn_layer.bn1.running_mean")) {
                assertTrue(changed.contains(k), k + " did not move");
            }
            long[] steps = adam.steps();
            for (int i = 0; i < union.size(); i++) {
                assertEquals(cls.contains(union.get(i)) ? 1 : 0, steps[i], "step count of parameter " + i);
            }
        }
    }

    /** As for the segmentation step: after the first step, a step leaves no array in the model's manager. */
    @Test
    void stepLeavesNoArraysBehind() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TrainConfig c = TrainData.tiny().build();
            OneShotNet net = PaperTrainer.newNet(c, manager);
            Adam adam = Adam.paper(net.classificationParameters(), manager);
            ClassificationStep step = new ClassificationStep(net, manager, adam);
            ClassificationItem a = data.classification.get(0);
            ClassificationItem b = data.classification.get(1);
            step.run(a.load(), a.label());
            Set<String> before = manager.getManagedArrays().stream().map(NDArray::getUid).collect(Collectors.toSet());
            step.run(b.load(), b.label());
            List<String> added = manager.getManagedArrays().stream().filter(x -> !before.contains(x.getUid()))
                    .map(x -> x.getShape().toString()).toList();
            assertEquals(List.of(), added, "arrays a step left in the model's manager");
        }
    }

    private static Set<NDArray> identity(List<NDArray> arrays) {
        Set<NDArray> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(arrays);
        return s;
    }
}
