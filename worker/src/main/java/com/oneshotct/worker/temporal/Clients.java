package com.oneshotct.worker.temporal;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Temporal service stubs and workflow clients for a {@link TemporalConfig}. */
public final class Clients {

    /** How long {@link #connect} waits for the service to answer its health check. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private Clients() {
    }

    /** Stubs that connect lazily, on first call (a worker that starts before its server is fine). */
    public static WorkflowServiceStubs stubs(TemporalConfig config) {
        return WorkflowServiceStubs.newServiceStubs(options(config));
    }

    /**
     * Stubs whose server has answered a health check within {@code timeout}; an unreachable address fails here,
     * naming it, instead of on some later call.
     */
    public static WorkflowServiceStubs connectedStubs(TemporalConfig config, Duration timeout) {
        // The SDK's own check keeps retrying a refused connection for seconds; a plain TCP connect tells at once
        // that nothing listens there.
        probe(config, timeout);
        try {
            return WorkflowServiceStubs.newConnectedServiceStubs(options(config), timeout);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot reach Temporal at " + config.address() + " (set "
                    + TemporalConfig.ADDRESS_VAR + ", or start `oneshot stack`): " + e.getMessage(), e);
        }
    }

    /** A client of {@code config}'s namespace over {@code stubs}. */
    public static WorkflowClient client(WorkflowServiceStubs stubs, TemporalConfig config) {
        return WorkflowClient.newInstance(stubs,
                WorkflowClientOptions.newBuilder().setNamespace(config.namespace()).build());
    }

    /** A client over freshly connected stubs; shut it down with {@code client.getWorkflowServiceStubs().shutdown()}. */
    public static WorkflowClient connect(TemporalConfig config) {
        return client(connectedStubs(config, CONNECT_TIMEOUT), config);
    }

    private static void probe(TemporalConfig config, Duration timeout) {
        String address = config.address();
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replaceAll("^\\[|\\]$", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot reach Temporal at " + address + " (set "
                    + TemporalConfig.ADDRESS_VAR + ", or start `oneshot stack`): " + e.getMessage(), e);
        }
    }

    private static WorkflowServiceStubsOptions options(TemporalConfig config) {
        return WorkflowServiceStubsOptions.newBuilder().setTarget(config.address()).build();
    }
}
