package com.oneshotct.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link TrainConfig}'s one JSON form, its canonical text and hash, all derived from the record's components: an
 * object with one member per component under its name ({@code backbone} by id, other enums by name, lists as
 * arrays). A setting added to the record is written, read, hashed and taken by the pipeline input and the CLI with
 * no change here.
 *
 * <p>Reading takes every member as optional (absent or null: the given defaults' value), so a form written before a
 * setting existed reads as the defaults say, and names every bad member in one {@link ConfigException}.
 */
public final class TrainConfigJson {
    private static final RecordComponent[] COMPONENTS = TrainConfig.class.getRecordComponents();

    /** The members, in the record's order. */
    public static final List<String> FIELDS = Arrays.stream(COMPONENTS).map(RecordComponent::getName).toList();

    /** Say when to stop and save, not what iteration k computes: a run may be resumed with a longer horizon. */
    public static final List<String> UNHASHED = List.of("iterations", "checkpointInterval");

    /** In the canonical text always; every other member only when it is not the paper's (so old hashes hold). */
    private static final List<String> ALWAYS = List.of("backbone", "imageSize", "seed", "lr");

    /** The order the canonical text was first written in; members added since follow in the record's order. */
    private static final List<String> FIRST_ORDER = List.of("backbone", "imageSize", "seed", "lr", "segWarmup",
            "clsBatch", "bnMode", "lrDecay", "headLrScale", "pretrain", "bodyLrScale", "anchorSizes", "weightDecay",
            "beta1", "beta2", "eps");

    /** The members of the canonical text, in its order. */
    public static final List<String> HASHED;

    private static final TrainConfig PAPER = TrainConfig.builder().build();

    static {
        List<String> hashed = new ArrayList<>(FIRST_ORDER);
        FIELDS.stream().filter(f -> !hashed.contains(f) && !UNHASHED.contains(f)).forEach(hashed::add);
        HASHED = List.copyOf(hashed);
    }

    private TrainConfigJson() {}

    public static ObjectNode write(TrainConfig c) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        for (RecordComponent rc : COMPONENTS) {
            t.set(rc.getName(), toJson(value(rc, c)));
        }
        return t;
    }

    /**
     * The config {@code node} describes, members it lacks taken from {@code defaults}; members it has that are not
     * a {@link TrainConfig}'s are ignored (the caller decides whether that is an error).
     *
     * @throws ConfigException naming every member of the wrong type and every value out of range
     */
    public static TrainConfig read(JsonNode node, TrainConfig defaults) {
        if (node == null || !node.isObject()) {
            throw new ConfigException("train config", List.of("must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT))));
        }
        ConfigException.Problems p = new ConfigException.Problems();
        Object[] args = new Object[COMPONENTS.length];
        List<String> wrongType = new ArrayList<>();
        for (int i = 0; i < COMPONENTS.length; i++) {
            RecordComponent rc = COMPONENTS[i];
            JsonNode v = node.get(rc.getName());
            args[i] = value(rc, defaults);
            if (v != null && !v.isNull()) {
                try {
                    args[i] = fromJson(rc, v);
                } catch (IllegalArgumentException e) {
                    p.add(rc.getName(), e.getMessage());
                    wrongType.add(rc.getName());
                }
            }
        }
        TrainConfig c = null;
        try {
            c = construct(args);
        } catch (ConfigException e) {
            // a member of the wrong type was given the default, which is not what the range check found wrong
            e.problems().stream().filter(m -> wrongType.stream().noneMatch(f -> m.startsWith("field '" + f + "'")))
                    .forEach(p.list::add);
        }
        p.throwIfAny("train config");
        return c;
    }

    /**
     * The fields that decide what an iteration computes, one {@code name=value} line each in {@link #HASHED}'s order:
     * {@code backbone}, {@code imageSize}, {@code seed} and {@code lr} always, every other member only when it is not
     * the paper's, so configurations from before a setting keep their text. Doubles in {@link Double#toHexString}
     * form (exact, and unlike {@link Double#toString} the same in every JDK), the backbone by id, other enums by name.
     */
    public static String canonical(TrainConfig c) {
        Map<String, Object> values = values(c);
        Map<String, Object> paper = values(PAPER);
        StringBuilder b = new StringBuilder();
        for (String f : HASHED) {
            Object v = values.get(f);
            if (ALWAYS.contains(f) || !v.equals(paper.get(f))) {
                b.append(f).append('=').append(text(v)).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * The hashed members in which {@code a} and {@code b} differ, as {@code name a-value / b-value}; empty when
     * their canonical texts are equal.
     */
    public static List<String> differences(TrainConfig a, TrainConfig b) {
        Map<String, Object> va = values(a);
        Map<String, Object> vb = values(b);
        return HASHED.stream().filter(f -> !va.get(f).equals(vb.get(f)))
                .map(f -> f + " " + plain(va.get(f)) + " / " + plain(vb.get(f))).toList();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    private static Map<String, Object> values(TrainConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent rc : COMPONENTS) {
            out.put(rc.getName(), value(rc, c));
        }
        return out;
    }

    private static Object value(RecordComponent rc, TrainConfig c) {
        try {
            return rc.getAccessor().invoke(c);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read TrainConfig." + rc.getName(), e);
        }
    }

    private static TrainConfig construct(Object[] args) {
        try {
            Constructor<TrainConfig> ctor = TrainConfig.class.getDeclaredConstructor(
                    Arrays.stream(COMPONENTS).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("TrainConfig has no canonical constructor", e);
        }
    }

    private static JsonNode toJson(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v instanceof Integer i) {
            return f.numberNode(i);
        } else if (v instanceof Long l) {
            return f.numberNode(l);
        } else if (v instanceof Double d) {
            return f.numberNode(d);
        } else if (v instanceof BodyArch a) {
            return f.textNode(a.id());
        } else if (v instanceof Enum<?> e) {
            return f.textNode(e.name());
        } else if (v instanceof List<?> list) {
            ArrayNode a = f.arrayNode();
            list.forEach(item -> a.add(toJson(item)));
            return a;
        }
        throw new IllegalStateException("TrainConfig member of a type TrainConfigJson cannot write: " + v.getClass());
    }

    /** The member's value; an {@link IllegalArgumentException} saying what it must be otherwise. */
    private static Object fromJson(RecordComponent rc, JsonNode v) {
        Class<?> type = rc.getType();
        if (type == int.class) {
            if (v.isIntegralNumber() && !v.canConvertToInt()) {
                throw new IllegalArgumentException("is out of range, got " + v);
            }
            if (!v.isIntegralNumber()) {
                throw new IllegalArgumentException("must be an integer, got " + v);
            }
            return v.intValue();
        } else if (type == long.class) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new IllegalArgumentException("must be an integer, got " + v);
            }
            return v.longValue();
        } else if (type == double.class) {
            if (!v.isNumber()) {
                throw new IllegalArgumentException("must be a number, got " + v);
            }
            return v.doubleValue();
        } else if (type == BodyArch.class) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException("must be a string, got " + v);
            }
            try {
                return BodyArch.of(v.textValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("names an " + e.getMessage());
            }
        } else if (type.isEnum()) {
            Object[] known = type.getEnumConstants();
            for (Object k : known) {
                if (v.isTextual() && ((Enum<?>) k).name().equals(v.textValue())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("must be one of " + Arrays.toString(known) + ", got " + v);
        } else if (type == List.class) {
            List<Integer> out = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode item : v) {
                    if (item.isIntegralNumber() && item.canConvertToInt()) {
                        out.add(item.intValue());
                    }
                }
            }
            if (!v.isArray() || out.size() != v.size()) {
                throw new IllegalArgumentException("must be an array of whole numbers, got " + v);
            }
            return out;
        }
        throw new IllegalStateException("TrainConfig member of a type TrainConfigJson cannot read: " + type);
    }

    private static String text(Object v) {
        return v instanceof Double d ? Double.toHexString(d) : plain(v);
    }

    private static String plain(Object v) {
        return v instanceof BodyArch a ? a.id() : v instanceof Enum<?> e ? e.name() : String.valueOf(v);
    }
}
