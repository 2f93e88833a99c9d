package com.oneshotct.worker.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.oneshotct.db.ConfusionMatrix;
import com.oneshotct.db.SqlName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/**
 * JSON for the registry's records: instants as ISO-8601 text, enums in their database spelling ({@code running}),
 * an empty Optional as null, a confusion matrix as nested arrays and a run's request as the JSON object it is.
 */
final class RegistryJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule("oneshot-registry")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addSerializer(SqlName.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(SqlName v, JsonGenerator g, SerializerProvider p) throws IOException {
                            g.writeString(v.sql());
                        }
                    })
                    .addSerializer(ConfusionMatrix.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(ConfusionMatrix v, JsonGenerator g, SerializerProvider p)
                                throws IOException {
                            p.defaultSerializeValue(v.toArray(), g);
                        }
                    })
                    .addSerializer(optionalClass(), new JsonSerializer<>() {
                        @Override
                        public void serialize(Optional<?> v, JsonGenerator g, SerializerProvider p)
                                throws IOException {
                            p.defaultSerializeValue(v.orElse(null), g);
                        }
                    }));

    private RegistryJson() {
    }

    /**
     * {@code value} as indented JSON; every {@code requestJson} text field becomes a {@code request} object, every
     * {@code pointJson} (a sweep point's values) a {@code point} object.
     */
    static String write(Object value) {
        try {
            JsonNode tree = MAPPER.valueToTree(value);
            inlineRequests(tree);
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void inlineRequests(JsonNode node) throws JsonProcessingException {
        for (String field : new String[] {"request", "point"}) {
            if (node instanceof ObjectNode o && o.has(field + "Json") && o.get(field + "Json").isTextual()) {
                JsonNode inlined = MAPPER.readTree(o.get(field + "Json").textValue());
                o.remove(field + "Json");
                o.set(field, inlined);
            }
        }
        for (JsonNode child : node) {
            inlineRequests(child);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<Optional<?>> optionalClass() {
        return (Class) Optional.class;
    }
}
