package com.oneshotct.embedded;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's test server (the SDK's in-memory implementation of the service) on a loopback gRPC port, so workers
 * and clients in other processes of this machine can use it. Time runs as on a real server (time skipping is
 * locked). Workflows live in memory: they end with the server.
 *
 * <p>Built from the same parts as {@code TestServer.createPortBoundServer}, which listens on every interface and
 * cannot report the port it got for port 0; this server has no authentication, so it stays on loopback.
 */
public final class EmbeddedTemporal implements AutoCloseable {

    private final TestServicesStarter services;
    private final Server server;

    private EmbeddedTemporal(TestServicesStarter services, Server server) {
        this.services = services;
        this.server = server;
    }

    /** Starts on {@code port} of 127.0.0.1 (0: any free port). */
    public static EmbeddedTemporal start(int port) {
        TestServicesStarter services = new TestServicesStarter(true, 0);
        ServerBuilder<?> builder = NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create());
        GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
        try {
            return new EmbeddedTemporal(services, builder.build().start());
        } catch (IOException e) {
            services.close();
            throw new IllegalStateException("the Temporal test server cannot listen on 127.0.0.1:" + port + ": "
                    + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The {@code host:port} a client's {@code TEMPORAL_ADDRESS} names. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            services.close();
            server.shutdownNow();
        }
    }
}
