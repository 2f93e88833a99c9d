package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The forward pass frees each block's intermediate arrays when the block returns ({@link NetBlock#scoped}): the
 * caller's manager gains only the blocks' results, and backward still reaches the first layer (libtorch's graph
 * keeps what it needs).
 */
class ScopedForwardTest {

    @Test
    void scopedKeepsOnlyTheResultAndReturnsTheInput() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x = m.ones(new Shape(2, 3));
            List<NDArray> temporaries = new ArrayList<>();
            int before = m.getManagedArrays().size();
            NDArray y = NetBlock.scoped(x, in -> {
                NDArray t = in.mul(2);
                temporaries.add(t);
                return t.add(1);
            });
            assertEquals(before + 1, m.getManagedArrays().size(), "the result only");
            assertSame(m, y.getManager());
            assertSame(m, x.getManager(), "the input goes back to its manager");
            assertTrue(temporaries.get(0).isReleased(), "the intermediate is freed");
            assertFalse(x.isReleased());
            assertEquals(3f, y.getFloat(0, 0));
        }
    }

    @Test
    void aTrainingPassLeavesOnlyTheFeaturesAndBackwardStillFlows() {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone(BodyArch.RESNEXT50_32X4D).build());
            net.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager()) {
                NDArray image = step.randomNormal(new Shape(1, 3, 64, 64));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray features = net.features(ps, image, true);
                    // the stem, 16 bottlenecks and the FPN made ~170 arrays; only the feature map is left
                    assertEquals(2, step.getManagedArrays().size(), "image and features only");
                    gc.backward(features.square().sum());
                }
                NDArray stem = StateDict.entries(net).stream()
                        .filter(e -> e.key().equals("backbone.body.conv1.weight")).findFirst().orElseThrow()
                        .parameter().getArray();
                try (NDArray g = stem.getGradient(); NDArray max = g.abs().max()) {
                    assertTrue(max.getFloat() > 0, "the stem conv learns through the freed activations");
                }
            }
        }
    }
}
