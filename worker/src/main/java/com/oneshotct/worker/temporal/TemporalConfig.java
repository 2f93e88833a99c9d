package com.oneshotct.worker.temporal;

import java.util.Map;

/**
 * Where the Temporal service is: a {@code host:port} gRPC address and a namespace, read from
 * {@code TEMPORAL_ADDRESS} and {@code TEMPORAL_NAMESPACE}; the defaults name a local dev server or
 * {@code oneshot stack}.
 */
public record TemporalConfig(String address, String namespace) {

    public static final String ADDRESS_VAR = "TEMPORAL_ADDRESS";
    public static final String NAMESPACE_VAR = "TEMPORAL_NAMESPACE";
    public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
    public static final String DEFAULT_NAMESPACE = "default";

    public TemporalConfig {
        if (address == null || !address.matches("(\\[[0-9a-fA-F:.]+\\]|[^\\s:/\\[\\]]+):\\d{1,5}")) {
            throw new IllegalArgumentException("Temporal address must be host:port, e.g. " + DEFAULT_ADDRESS
                    + ", got '" + address + "'");
        }
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("Temporal namespace must not be blank");
        }
    }

    /** Reads {@code TEMPORAL_ADDRESS} and {@code TEMPORAL_NAMESPACE}; a missing or blank one takes its default. */
    public static TemporalConfig fromEnvironment(Map<String, String> env) {
        return new TemporalConfig(orDefault(env.get(ADDRESS_VAR), DEFAULT_ADDRESS),
                orDefault(env.get(NAMESPACE_VAR), DEFAULT_NAMESPACE));
    }

    public static TemporalConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
