package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 * One training pass through every part (ResNet18, 64x64 image, pooled RoIs standing in for RoIAlign): every
 * trainable parameter gets a non-zero gradient, and the backbone's running statistics move.
 */
class GradientFlowTest {

    @Test
    void everyParameterLearns() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone(BodyArch.RESNET18).build());
            net.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray image = m.randomNormal(new Shape(2, 3, 64, 64));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = net.forward(ps, new NDList(image), true);
                assertEquals(new Shape(2, 256, 2, 2), out.get(0).getShape());
                // Pool "RoIs" from the features so that the heads' loss also reaches the backbone.
                NDArray f = out.get(0);
                NDArray pooled7 = f.get(":1").repeat(2, 4).repeat(3, 4).get(":, :, :7, :7").repeat(0, 3);
                // two different RoIs: the attention layer's BatchNorm over identical RoIs would have no gradient
                NDArray pooled14 = f.repeat(2, 7).repeat(3, 7);
                NDList box = net.boxHead(ps, pooled7, true);
                NDArray mask = net.maskHead(ps, pooled14, true);
                // the s2 heads are never trained by the reference, but their graph must carry gradients too
                NDList boxS2 = net.boxHeadS2(ps, pooled7, true);
                NDArray maskS2 = net.maskFeaturesS2(ps, pooled14, true);
                AttentionHead.Output scores = net.classify(ps, maskS2, true);
                NDArray loss = out.get(1).square().sum().add(out.get(2).square().sum())
                        .add(scores.logits().square().sum())
                        .add(box.get(0).square().sum()).add(box.get(1).square().sum()).add(mask.square().sum())
                        .add(boxS2.get(0).square().sum()).add(boxS2.get(1).square().sum())
                        .add(maskS2.square().sum());
                gc.backward(loss);
            }
            List<String> dead = new ArrayList<>();
            for (StateDict.Entry e : StateDict.entries(net)) {
                NDArray a = e.parameter().getArray();
                if (!e.kind().buffer() && (!a.hasGradient() || a.getGradient().abs().max().getFloat() == 0f)) {
                    dead.add(e.key());
                }
            }
            assertTrue(dead.isEmpty(), "no gradient: " + dead);
            NDArray rm = net.backbone().body().getParameters().get("02bn1_running_mean").getArray();
            assertTrue(rm.abs().max().getFloat() > 0, "running mean updated in training");
        }
    }
}
