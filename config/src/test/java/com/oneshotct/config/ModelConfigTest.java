package com.oneshotct.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    /** The reference's values (model-spec 2-4) and what follows from them. */
    @Test
    void defaultsAreTheReference() {
        ModelConfig c = ModelConfig.defaults();
        assertEquals(BodyArch.RESNEXT50_32X4D, c.backbone());
        assertEquals(BnMode.BATCH_STATS, c.bnMode());
        assertEquals(16, c.featureSize());
        assertEquals(30, c.anchorsPerLocation());
        assertEquals(28, c.maskSize());
        assertEquals(1.0 / 32, c.spatialScale());
        assertEquals(List.of(0.1, 0.25, 0.5, 1.0, 1.5, 2.0), c.aspectRatios());
        assertEquals(400, c.rpnPreNmsTopN());
        assertEquals(200, c.rpnPostNmsTopN());
        assertEquals(0.75, c.rpnNmsThresh());
        assertEquals(Math.log(1000.0 / 16), c.boxClamp());
        assertEquals(List.of(10.0, 10.0, 5.0, 5.0), c.roiBoxWeights());
        assertEquals(0.75, c.scoreThresh());
        assertEquals(4, c.detectionsPerImage());
        assertEquals(c, c.toBuilder().build());
        assertEquals(BodyArch.RESNET34, c.toBuilder().optBackbone("ResNet34").build().backbone());
    }

    @Test
    void badFieldIsNamed() {
        bad("imageSize", b -> b.optImageSize(500));
        bad("rpnBgIou", b -> b.optRpnIou(0.3, 0.7));
        bad("rpnPreNmsTopN", b -> b.optRpnPreNmsTopN(100));
        bad("anchorSizes", b -> b.optAnchorSizes(null));
        bad("aspectRatios", b -> b.optAspectRatios(List.of(1.0, -2.0)));
        bad("roiBoxWeights", b -> b.optRoiBoxWeights(List.of(10.0, 10.0, 5.0)));
        bad("scoreThresh", b -> b.optScoreThresh(1.0));
        bad("bnMode", b -> b.optBnMode(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.builder().optBackbone("resnet50"));
        assertTrue(e.getMessage().contains("resnext50_32x4d, resnext101_32x8d, resnet18, resnet34"), e.getMessage());
    }

    private static void bad(String field, UnaryOperator<ModelConfigBuilder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(ModelConfig.builder()).build());
        assertTrue(e.getMessage().startsWith("model config: " + field + " "), e.getMessage());
    }
}
