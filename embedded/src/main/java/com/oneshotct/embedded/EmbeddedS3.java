package com.oneshotct.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy in this JVM on loopback: the object store of the demo, the tests and CI. It checks AWS V2/V4 request
 * signatures against the given keys, so a client with wrong keys fails as it would against MinIO.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3(S3Proxy proxy, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Objects held in memory; gone when closed. Port 0 picks a free one. */
    public static EmbeddedS3 transientStore(int port, String accessKey, String secretKey) {
        return start(new TransientNio2BlobStore(), port, accessKey, secretKey);
    }

    /** Objects kept as files under {@code directory} (created if missing), so they outlive the process. */
    public static EmbeddedS3 filesystemStore(Path directory, int port, String accessKey, String secretKey) {
        return filesystemStore(directory, port, accessKey, secretKey, UnaryOperator.identity());
    }

    /**
     * As {@link #filesystemStore(Path, int, String, String)}, serving the blob store {@code wrap} makes of the files:
     * a fault test wraps it to see a request arrive, or to fail requests from a chosen moment on.
     */
    public static EmbeddedS3 filesystemStore(Path directory, int port, String accessKey, String secretKey,
            UnaryOperator<BlobStore> wrap) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the object store folder " + directory, e);
        }
        return start(wrap.apply(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString())), port, accessKey,
                secretKey);
    }

    private static EmbeddedS3 start(BlobStore store, int port, String accessKey, String secretKey) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start on port " + port + ": " + e.getMessage(), e);
        }
        return new EmbeddedS3(proxy, accessKey, secretKey);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public int port() {
        return proxy.getPort();
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop: " + e.getMessage(), e);
        }
    }
}
