package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationReader;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.ops.SplitMix64;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationStepTest {
    @TempDir
    static Path dir;
    private static List<SegmentationSample> samples;

    @BeforeAll
    static void data() {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(5).withSize(128).withCounts(2, 1, 3, 3))
                .write(dir, line -> { });
        samples = new ArrayList<>();
        for (SegmentationItem item : SegmentationReader.read(dir.resolve("segmentation"))) {
            samples.add(item.load());
        }
    }

    /**
     * A long run must not grow: after the first step (which may allocate lasting state), a step leaves no new
     * array in the model's manager. Views of parameters, gradient handles and DJL's own zeroing each leaked here once.
     */
    @Test
    void stepLeavesNoArraysBehind() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            SegmentationStep step = newStep(manager);
            step.run(samples.get(0));
            Set<String> before = manager.getManagedArrays().stream().map(NDArray::getUid).collect(Collectors.toSet());
            step.run(samples.get(1));
            List<String> added = manager.getManagedArrays().stream().filter(a -> !before.contains(a.getUid()))
                    .map(a -> a.getShape().toString()).toList();
            assertEquals(List.of(), added, "arrays a step left in the model's manager");
        }
    }

    @Test
    void returnsTheFiveFiniteLosses() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, Float> losses = newStep(manager).run(samples.get(0));
            assertEquals(SegmentationStep.LOSSES, List.copyOf(losses.keySet()));
            losses.values().forEach(v -> assertTrue(Float.isFinite(v) && v >= 0, "loss " + v));
        }
    }

    @Test
    void trainsOnAnImageOfAnotherSizeResizedToTheModel() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone("resnet18").optImageSize(160).build());
            net.initialize(manager);
            SegmentationStep step = new SegmentationStep(net, manager, Adam.paper(params(net), manager),
                    new SplitMix64(1));
            // the 128 px sample goes through SegmentationSample.resized(160, 160) (tested on its own)
            Map<String, Float> losses = step.run(samples.get(0));
            assertEquals(SegmentationStep.LOSSES, List.copyOf(losses.keySet()));
            assertTrue(losses.values().stream().allMatch(v -> Float.isFinite(v) && v >= 0), losses.toString());
        }
    }

    private static SegmentationStep newStep(NDManager manager) {
        OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone("resnet18").optImageSize(128).build());
        net.initialize(manager);
        return new SegmentationStep(net, manager, new Adam(params(net), manager, 1e-3, 0.9, 0.999, 1e-8, 0),
                new SplitMix64(7));
    }

    static List<NDArray> params(OneShotNet net) {
        return net.segmentationParameters();
    }
}
