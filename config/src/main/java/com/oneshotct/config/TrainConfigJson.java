package com.oneshotct.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TrainConfig}'s one JSON form: an object with one member per record component, under the component's
 * name ({@code backbone} by id, {@code bnMode} by name, {@code anchorSizes} as an array). Reading takes every member
 * as optional (absent or null: the given defaults' value), so a form written before a setting existed reads as
 * the defaults say, and names every bad member in one message.
 */
public final class TrainConfigJson {
    /** The members, in the record's order. */
    public static final List<String> FIELDS = List.of("backbone", "imageSize", "iterations", "seed", "lr",
            "weightDecay", "beta1", "beta2", "eps", "checkpointInterval", "segWarmup", "clsBatch", "bnMode", "lrDecay",
            "headLrScale", "pretrain", "bodyLrScale", "anchorSizes");

    private TrainConfigJson() {}

    public static ObjectNode write(TrainConfig c) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("backbone", c.backbone().id());
        t.put("imageSize", c.imageSize());
        t.put("iterations", c.iterations());
        t.put("seed", c.seed());
        t.put("lr", c.lr());
        t.put("weightDecay", c.weightDecay());
        t.put("beta1", c.beta1());
        t.put("beta2", c.beta2());
        t.put("eps", c.eps());
        t.put("checkpointInterval", c.checkpointInterval());
        t.put("segWarmup", c.segWarmup());
        t.put("clsBatch", c.clsBatch());
        t.put("bnMode", c.bnMode().name());
        t.put("lrDecay", c.lrDecay());
        t.put("headLrScale", c.headLrScale());
        t.put("pretrain", c.pretrain());
        t.put("bodyLrScale", c.bodyLrScale());
        c.anchorSizes().forEach(t.putArray("anchorSizes")::add);
        return t;
    }

    /**
     * The config {@code node} describes, members it lacks taken from {@code defaults}; members it has that are not
     * a {@link TrainConfig}'s are ignored (the caller decides whether that is an error).
     *
     * @throws IllegalArgumentException naming every member of the wrong type, or every value out of range
     */
    public static TrainConfig read(JsonNode node, TrainConfig defaults) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("train config must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        Reader r = new Reader(node);
        TrainConfig.Builder b = TrainConfig.builder()
                .optImageSize(r.integer("imageSize", defaults.imageSize()))
                .optIterations(r.integer("iterations", defaults.iterations()))
                .optSeed(r.whole("seed", defaults.seed()))
                .optLr(r.number("lr", defaults.lr()))
                .optWeightDecay(r.number("weightDecay", defaults.weightDecay()))
                .optBetas(r.number("beta1", defaults.beta1()), r.number("beta2", defaults.beta2()))
                .optEps(r.number("eps", defaults.eps()))
                .optCheckpointInterval(r.integer("checkpointInterval", defaults.checkpointInterval()))
                .optSegWarmup(r.integer("segWarmup", defaults.segWarmup()))
                .optClsBatch(r.integer("clsBatch", defaults.clsBatch()))
                .optLrDecay(r.integer("lrDecay", defaults.lrDecay()))
                .optHeadLrScale(r.number("headLrScale", defaults.headLrScale()))
                .optPretrain(r.integer("pretrain", defaults.pretrain()))
                .optBodyLrScale(r.number("bodyLrScale", defaults.bodyLrScale()))
                .optAnchorSizes(r.integers("anchorSizes", defaults.anchorSizes()));
        String backbone = r.text("backbone", defaults.backbone().id());
        String bnMode = r.text("bnMode", defaults.bnMode().name());
        try {
            b.optBackbone(backbone);
        } catch (IllegalArgumentException e) {
            r.problems.add("backbone " + e.getMessage());
        }
        try {
            b.optBnMode(bnMode);
        } catch (IllegalArgumentException e) {
            r.problems.add(e.getMessage().replace("train config: ", ""));
        }
        if (!r.problems.isEmpty()) {
            throw new IllegalArgumentException("train config: " + String.join("; ", r.problems));
        }
        return b.build();
    }

    /** Reads members by type, collecting what is wrong instead of stopping at it. */
    private static final class Reader {
        private final JsonNode node;
        private final List<String> problems = new ArrayList<>();

        Reader(JsonNode node) {
            this.node = node;
        }

        private JsonNode get(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        int integer(String field, int fallback) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                problems.add(field + " must be a whole number, got " + v);
                return fallback;
            }
            return v.intValue();
        }

        long whole(String field, long fallback) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                problems.add(field + " must be a whole number, got " + v);
                return fallback;
            }
            return v.longValue();
        }

        double number(String field, double fallback) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isNumber()) {
                problems.add(field + " must be a number, got " + v);
                return fallback;
            }
            return v.doubleValue();
        }

        String text(String field, String fallback) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isTextual()) {
                problems.add(field + " must be a string, got " + v);
                return fallback;
            }
            return v.textValue();
        }

        List<Integer> integers(String field, List<Integer> fallback) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            List<Integer> out = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode item : v) {
                    if (!item.isIntegralNumber() || !item.canConvertToInt()) {
                        break;
                    }
                    out.add(item.intValue());
                }
            }
            if (!v.isArray() || out.size() != v.size()) {
                problems.add(field + " must be an array of whole numbers, got " + v);
                return fallback;
            }
            return out;
        }
    }
}
