package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Parameter counts per part: model-spec section 7 exactly for ResNeXt50, torchvision's totals for the others. */
class ParameterCountTest {

    private static Map<String, Long> parts(BodyArch arch) {
        OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone(arch).build());
        List<OneShotNet.Part> parts = net.parts();
        assertEquals(net.parameterCount(), parts.stream().mapToLong(OneShotNet.Part::parameters).sum(),
                "the parts cover the whole network");
        return parts.stream().collect(Collectors.toMap(OneShotNet.Part::id, OneShotNet.Part::parameters));
    }

    @Test
    void resnext50MatchesModelSpec() {
        Map<String, Long> p = parts(BodyArch.RESNEXT50_32X4D);
        assertEquals(22_979_904L, p.get("body"));
        assertEquals(1_114_624L, p.get("fpn"));
        assertEquals(628_630L, p.get("rpn_head"));
        assertEquals(1_624_852L, p.get("box"));
        assertEquals(853_508L, p.get("mask"));
        assertEquals(1_624_852L, p.get("box_s2"));
        // mask_fcn1 256*256*9 + 256 = 590,080; conv_mask 256*256*4 + 256 = 262,400; conv_reduce 590,080
        assertEquals(1_442_560L, p.get("mask_s2"));
        assertEquals(5_184_896L, p.get("attention"));
        assertEquals(99_590L, p.get("classifiers"));
        assertEquals(35_553_416L, p.values().stream().mapToLong(Long::longValue).sum(),
                "the whole ResNeXt50 one-shot model, model-spec section 7");
    }

    /**
     * The authors' large-model anchors (sizes 2..128, 7 x 6 = 42 per location): the RPN head's conv keeps
     * 256*256*9 + 256 = 590,080, cls_logits 256*42 + 42 = 10,794, bbox_pred 256*168 + 168 = 43,176: 644,050, i.e.
     * 12 more anchors x (257 + 4 * 257) = 15,420 over the reference's 628,630; nothing else changes.
     */
    @Test
    void largeModelAnchorsGrowTheRpnHeadOnly() {
        OneShotNet net = new OneShotNet(ModelConfig.builder().optAnchorSizes(ModelConfig.LARGE_ANCHOR_SIZES).build());
        assertEquals(42, net.config().anchorsPerLocation());
        Map<String, Long> p = net.parts().stream().collect(Collectors.toMap(OneShotNet.Part::id,
                OneShotNet.Part::parameters));
        assertEquals(644_050L, p.get("rpn_head"));
        assertEquals(22_979_904L, p.get("body"));
        assertEquals(35_568_836L, net.parameterCount());
    }

    /**
     * ResNet18 body by hand (convs bias-free; a BatchNorm of c channels has 2c parameters):
     * stem 64*3*49 + 128 = 9,536; layer1 2 * (2 * 64*64*9 + 2*128) = 147,968;
     * layer2 (128*64*9 + 256 + 128*128*9 + 256 + 128*64 + 256) + (2 * 128*128*9 + 512) = 230,144 + 295,424;
     * layer3 (256*128*9 + 512 + 256*256*9 + 512 + 256*128 + 512) + (2 * 256*256*9 + 1,024) = 919,040 + 1,180,672;
     * layer4 (512*256*9 + 1,024 + 512*512*9 + 1,024 + 512*256 + 1,024) + (2 * 512*512*9 + 2,048)
     * = 3,673,088 + 4,720,640; total 11,176,512 = torchvision's resnet18 11,689,512 minus its fc 512*1000 + 1000.
     * ResNet34: 21,797,672 - 513,000. ResNeXt101-32x8d: 88,791,336 - (2048*1000 + 1000). The FPN on a 512-channel
     * C5: 512*256 + 256 + 256*256*9 + 256 = 721,408. The heads do not depend on the backbone.
     */
    @Test
    void otherBackbones() {
        Map<String, Long> r18 = parts(BodyArch.RESNET18);
        assertEquals(11_176_512L, r18.get("body"));
        assertEquals(721_408L, r18.get("fpn"));
        assertEquals(628_630L, r18.get("rpn_head"));
        assertEquals(1_624_852L, r18.get("box"));
        assertEquals(853_508L, r18.get("mask"));
        assertEquals(1_624_852L, r18.get("box_s2"));
        assertEquals(1_442_560L, r18.get("mask_s2"));
        Map<String, Long> r34 = parts(BodyArch.RESNET34);
        assertEquals(21_284_672L, r34.get("body"));
        assertEquals(721_408L, r34.get("fpn"));
        Map<String, Long> x101 = parts(BodyArch.RESNEXT101_32X8D);
        assertEquals(86_742_336L, x101.get("body"));
        assertEquals(1_114_624L, x101.get("fpn"));
    }

    /** Running statistics are buffers: 2 per BatchNorm channel exist but are not counted. */
    @Test
    void runningStatisticsAreNotParameters() {
        OneShotNet net = new OneShotNet(ModelConfig.defaults());
        long all = 0;
        long buffers = 0;
        for (StateDict.Entry e : StateDict.entries(net)) {
            all += e.shape().size();
            buffers += e.kind().buffer() ? e.shape().size() : 0;
        }
        assertEquals(net.parameterCount(), all - buffers);
        long bnWeights = StateDict.entries(net).stream().filter(e -> e.kind() == ParamKind.BN_WEIGHT)
                .mapToLong(e -> e.shape().size()).sum();
        assertEquals(2 * bnWeights, buffers);
    }
}
