package com.oneshotct.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainConfigJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    /** Every field away from its default survives the round trip; every record component is a member. */
    @Test
    void everyComponentRoundTrips() {
        TrainConfig c = TrainConfig.builder().optBackbone("resnet18").optImageSize(128).optIterations(7).optSeed(-3)
                .optLr(2e-4).optWeightDecay(0).optBetas(0.8, 0.99).optEps(1e-7).optCheckpointInterval(5)
                .optSegWarmup(2).optClsBatch(3).optBnMode(BnMode.RUNNING_STATS).optLrDecay(9).optHeadLrScale(0.5)
                .optPretrain(4).optBodyLrScale(0.25).optAnchorSizes(ModelConfig.LARGE_ANCHOR_SIZES).build();
        assertEquals(c, TrainConfigJson.read(TrainConfigJson.write(c), TrainConfig.builder().build()));
        List<String> components = Arrays.stream(TrainConfig.class.getRecordComponents()).map(r -> r.getName())
                .toList();
        assertEquals(components, TrainConfigJson.FIELDS);
        assertEquals(components, iterate(TrainConfigJson.write(c)));
    }

    /** A form written before a setting existed lacks it: the defaults give it. */
    @Test
    void absentMembersTakeTheDefaults() throws Exception {
        TrainConfig d = TrainConfig.builder().optBackbone("resnet34").optLr(3e-4).build();
        TrainConfig c = TrainConfigJson.read(json("{\"imageSize\": 256, \"anchorSizes\": null}"), d);
        assertEquals(256, c.imageSize());
        assertEquals(d.backbone(), c.backbone());
        assertEquals(3e-4, c.lr());
        assertEquals(ModelConfig.ANCHOR_SIZES, c.anchorSizes());
    }

    @Test
    void everyBadMemberIsNamedAtOnce() throws Exception {
        TrainConfig d = TrainConfig.builder().build();
        String types = assertThrows(IllegalArgumentException.class, () -> TrainConfigJson.read(
                json("{\"lr\": \"fast\", \"clsBatch\": 1.5, \"anchorSizes\": [2, \"x\"], \"bnMode\": \"batch\"}"), d))
                .getMessage();
        for (String field : List.of("lr", "clsBatch", "anchorSizes", "bnMode")) {
            assertTrue(types.contains(field), field + " in: " + types);
        }
        String ranges = assertThrows(IllegalArgumentException.class, () -> TrainConfigJson.read(
                json("{\"lr\": 0, \"clsBatch\": 0, \"imageSize\": 100}"), d)).getMessage();
        for (String field : List.of("lr", "clsBatch", "imageSize")) {
            assertTrue(ranges.contains(field + " "), field + " in: " + ranges);
        }
        assertThrows(IllegalArgumentException.class, () -> TrainConfigJson.read(json("[1]"), d));
    }

    private static List<String> iterate(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
