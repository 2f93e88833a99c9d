package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Random initialisation follows torchvision's per part (statistics of large tensors, 5 % slack). */
class InitTest {

    @Test
    void torchvisionInitialisation() {
        Engine.getInstance().setRandomSeed(42);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone(BodyArch.RESNET18).build());
            net.initialize(m);
            Map<String, NDArray> a = new HashMap<>();
            StateDict.entries(net).forEach(e -> a.put(e.key(), e.parameter().getArray()));
            // kaiming_normal(fan_out): std sqrt(2 / (64 * 49)).
            assertStd(Math.sqrt(2.0 / (64 * 49)), a.get("backbone.body.conv1.weight"));
            assertStd(Math.sqrt(2.0 / (512 * 9)), a.get("backbone.body.layer4.1.conv2.weight"));
            assertConstant(1, a.get("backbone.body.layer4.1.bn2.weight"));
            assertConstant(0, a.get("backbone.body.layer4.1.bn2.bias"));
            assertConstant(0, a.get("backbone.body.layer4.1.bn2.running_mean"));
            assertConstant(1, a.get("backbone.body.layer4.1.bn2.running_var"));
            // kaiming_uniform(a=1): bound sqrt(3 / fan_in), std bound / sqrt(3) = 1 / sqrt(fan_in).
            assertUniform(Math.sqrt(3.0 / 512), a.get("backbone.fpn.inner_blocks.0.weight"));
            assertUniform(Math.sqrt(3.0 / (256 * 9)), a.get("backbone.fpn.layer_blocks.0.weight"));
            assertConstant(0, a.get("backbone.fpn.layer_blocks.0.bias"));
            assertStd(0.01, a.get("rpn.head.conv.weight"));
            assertStd(0.01, a.get("rpn.head.bbox_pred.weight"));
            assertConstant(0, a.get("rpn.head.cls_logits.bias"));
            // nn.Linear default: U(+-1/sqrt(fan_in)) for weight and bias.
            assertUniform(1 / Math.sqrt(12544), a.get("roi_heads.box_head.fc6.weight"));
            assertUniform(1 / Math.sqrt(128), a.get("roi_heads.box_predictor.bbox_pred.weight"));
            // kaiming_normal(fan_out): conv 256 * 9; transposed conv, PyTorch's fan_out = shape[0] * 4 = 1024.
            assertStd(Math.sqrt(2.0 / (256 * 9)), a.get("roi_heads.mask_head.mask_fcn1.weight"));
            assertStd(Math.sqrt(2.0 / 1024), a.get("roi_heads.mask_predictor.conv_mask.weight"));
            assertConstant(0, a.get("roi_heads.mask_predictor.conv_mask.bias"));
        }
    }

    private static void assertStd(double want, NDArray a) {
        double mean = a.mean().getFloat();
        double std = Math.sqrt(a.sub(mean).square().mean().getFloat());
        assertTrue(Math.abs(std / want - 1) < 0.05, "std " + std + ", want " + want);
        assertTrue(Math.abs(mean) < 0.05 * want, "mean " + mean);
    }

    private static void assertUniform(double bound, NDArray a) {
        assertTrue(a.abs().max().getFloat() <= bound, "max " + a.abs().max().getFloat() + " > " + bound);
        assertStd(bound / Math.sqrt(3), a);
    }

    private static void assertConstant(float v, NDArray a) {
        assertEquals(v, a.min().getFloat());
        assertEquals(v, a.max().getFloat());
    }
}
