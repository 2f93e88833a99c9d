package com.oneshotct.worker.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalConfigTest {

    @Test
    void defaultsWhenUnsetOrBlankElseTheEnvironment() {
        assertEquals(new TemporalConfig("127.0.0.1:7233", "default"), TemporalConfig.fromEnvironment(Map.of()));
        assertEquals(new TemporalConfig("127.0.0.1:7233", "default"),
                TemporalConfig.fromEnvironment(Map.of("TEMPORAL_ADDRESS", " ", "TEMPORAL_NAMESPACE", "")));
        assertEquals(new TemporalConfig("temporal.prod:7233", "oneshot"), TemporalConfig.fromEnvironment(
                Map.of("TEMPORAL_ADDRESS", "temporal.prod:7233", "TEMPORAL_NAMESPACE", "oneshot")));
        assertEquals("[::1]:7233", TemporalConfig.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "[::1]:7233")).address());
    }

    @Test
    void anAddressWithoutPortIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemporalConfig.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "temporal.prod")));
        assertTrue(e.getMessage().contains("host:port") && e.getMessage().contains("'temporal.prod'"),
                e.getMessage());
    }

    @Test
    void anUnreachableServerFailsAtConnectNamingTheAddress() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        TemporalConfig nowhere = new TemporalConfig("127.0.0.1:" + port, "default");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Clients.connectedStubs(nowhere, java.time.Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("cannot reach Temporal at 127.0.0.1:" + port), e.getMessage());
    }
}
