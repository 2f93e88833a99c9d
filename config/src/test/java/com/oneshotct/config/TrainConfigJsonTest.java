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
            assertTrue(ranges.contains("field '" + field + "' "), field + " in: " + ranges);
        }
        assertThrows(IllegalArgumentException.class, () -> TrainConfigJson.read(json("[1]"), d));
    }

    /**
     * The canonical text and its hash are the ones the registry recorded before the text moved here: the values
     * below were computed outside Java with {@code printf '<text>' | sha256sum} (the doubles are Python's
     * {@code float.hex()}).
     */
    @Test
    void canonicalTextAndHashAreStable() {
        TrainConfig demo = TrainConfig.builder().optBackbone("resnet18").optImageSize(128).optIterations(40)
                .optCheckpointInterval(10).optSeed(1).optLr(1e-4).build();
        assertEquals("backbone=resnet18\nimageSize=128\nseed=1\nlr=0x1.a36e2eb1c432dp-14\n", demo.canonical());
        assertEquals("ac8ed392d596125e68d74f3830a1f2d2a87703bd037b0d4468fd881497a0c6a8", demo.hash());
        TrainConfig paperLr = TrainConfig.builder().optBackbone("resnet18").optImageSize(128).optSeed(1).build();
        assertEquals("a0668eb087061e603dee58fb8d9ed470182f3132dbea0f27b2d4bf729a3deab1", paperLr.hash());
        // the horizon is not hashed: a run may be resumed with more iterations
        assertEquals(demo.hash(), TrainConfig.builder().optBackbone("resnet18").optImageSize(128).optIterations(7)
                .optCheckpointInterval(0).optSeed(1).optLr(1e-4).build().hash());
    }

    /** Every hashed member changes the hash when moved off the paper's value, and shows in the differences. */
    @Test
    void everyHashedMemberCounts() throws Exception {
        TrainConfig paper = TrainConfig.builder().build();
        String moved = "{\"backbone\": \"resnet34\", \"imageSize\": 256, \"seed\": 2, \"lr\": 2e-5,"
                + " \"weightDecay\": 0, \"beta1\": 0.8, \"beta2\": 0.99, \"eps\": 1e-7, \"segWarmup\": 1,"
                + " \"clsBatch\": 2, \"bnMode\": \"RUNNING_STATS\", \"lrDecay\": 5, \"headLrScale\": 0.5,"
                + " \"pretrain\": 3, \"bodyLrScale\": 0.5, \"anchorSizes\": [4, 8]}";
        JsonNode all = json(moved);
        assertEquals(new java.util.TreeSet<>(TrainConfigJson.HASHED), iterate(all).stream()
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)), "the case moves each");
        java.util.Set<String> hashes = new java.util.HashSet<>(List.of(paper.hash()));
        for (String f : TrainConfigJson.HASHED) {
            TrainConfig one = TrainConfigJson.read(JSON.createObjectNode().set(f, all.get(f)), paper);
            assertTrue(hashes.add(one.hash()), f + " changes the hash");
            List<String> diff = TrainConfigJson.differences(paper, one);
            assertEquals(1, diff.size(), f + ": " + diff);
            assertTrue(diff.get(0).startsWith(f + " "), diff.get(0));
        }
        assertEquals(List.of("lr 1.0E-5 / 2.0E-5"), TrainConfigJson.differences(paper,
                TrainConfigJson.read(json("{\"lr\": 2e-5, \"iterations\": 3}"), paper)));
    }

    /** The problems come one per field, in the house wording, for callers that merge them into their own. */
    @Test
    void problemsAreListedOnePerField() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfigJson.read(
                json("{\"lr\": 2, \"seed\": \"x\", \"iterations\": 99999999999}"), TrainConfig.builder().build()));
        assertEquals(List.of("field 'iterations' is out of range, got 99999999999",
                "field 'seed' must be an integer, got \"x\"",
                "field 'lr' must be above 0.0 and at most 1.0, got 2.0"), e.problems());
        assertTrue(e.getMessage().startsWith("train config: field 'iterations'"), e.getMessage());
    }

    private static List<String> iterate(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
