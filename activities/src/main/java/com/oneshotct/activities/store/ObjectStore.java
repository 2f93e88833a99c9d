package com.oneshotct.activities.store;

import com.oneshotct.model.data.DataException;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A bucket of the object store through the MinIO client: put and get with SHA-256 computed on the way, stat, list,
 * delete. Every object gets its SHA-256 in user metadata ({@code x-amz-meta-sha256}) so that a later push can skip
 * it without downloading it. Failures come out as {@link MissingObjectException}, {@link StoreAccessException},
 * {@link StoreUnavailableException} (retryable) or {@link StoreException}; messages never hold the secret key.
 */
public final class ObjectStore implements AutoCloseable {
    /** The user-metadata name of an object's SHA-256 (sent as {@code x-amz-meta-sha256}). */
    public static final String SHA256_META = "sha256";
    public static final int MAX_KEY_BYTES = 1024;
    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject", "ResourceNotFound");
    private static final Set<String> DENIED = Set.of("AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId",
            "InvalidToken", "ExpiredToken", "AllAccessDisabled");
    private static final Set<String> BUCKET_EXISTS = Set.of("BucketAlreadyOwnedByYou", "BucketAlreadyExists");

    private final S3Config config;
    private final MinioClient client;

    public ObjectStore(S3Config config) {
        this.config = config;
        this.client = MinioClient.builder().endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey()).build();
    }

    public S3Config config() {
        return config;
    }

    public String bucket() {
        return config.bucket();
    }

    /** Creates the bucket unless it exists (another client creating it at the same moment is fine). */
    public void ensureBucket() {
        call("checking", null, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).build());
                } catch (ErrorResponseException e) {
                    if (!BUCKET_EXISTS.contains(e.errorResponse().code())) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    /** Uploads a file, replacing what the key held; its SHA-256 goes into the object's metadata. */
    public ObjectInfo put(String key, Path file) {
        checkKey(key);
        ObjectInfo local = describe(key, file);
        return upload(key, file, local.size(), local.sha256());
    }

    /**
     * Uploads a file to a write-once key, for objects whose recorded SHA-256 must keep matching (checkpoints): when
     * the key already holds these bytes (a repeated upload) nothing is sent; when it holds other bytes, or bytes of
     * unknown hash, this throws {@link ObjectConflictException} and the object stays as it was. The check and the
     * upload are two requests, so two writers racing for one key are not kept apart here; callers give each writer
     * keys of its own (checkpoint keys name their attempt).
     */
    public ObjectInfo putNew(String key, Path file) {
        checkKey(key);
        ObjectInfo local = describe(key, file);
        Optional<ObjectInfo> there = stat(key);
        if (there.isPresent()) {
            ObjectInfo o = there.get();
            if (local.sha256().equals(o.sha256()) && local.size() == o.size()) {
                return local;
            }
            throw new ObjectConflictException(key, where(key) + " already holds " + o.size() + " bytes with SHA-256 "
                    + (o.sha256() == null ? "unknown" : o.sha256()) + "; not replacing it with " + file + " ("
                    + local.size() + " bytes, SHA-256 " + local.sha256() + ")");
        }
        return upload(key, file, local.size(), local.sha256());
    }

    private static ObjectInfo describe(String key, Path file) {
        try {
            return new ObjectInfo(key, Files.size(file), sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private ObjectInfo upload(String key, Path file, long size, String sha) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
            call("uploading", key, () -> {
                upload(key, in, size, sha);
                return null;
            });
            String sent = HexFormat.of().formatHex(in.getMessageDigest().digest());
            if (!sent.equals(sha)) {
                // the metadata, sent before the body, would lie about the object: do not leave it there
                delete(key);
                throw new DataException(file, "changed while it was being uploaded to " + where(key));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new ObjectInfo(key, size, sha);
    }

    /** Uploads bytes; their SHA-256 goes into the object's metadata. */
    public ObjectInfo put(String key, byte[] bytes) {
        checkKey(key);
        String sha = HexFormat.of().formatHex(digest().digest(bytes));
        call("uploading", key, () -> {
            upload(key, new ByteArrayInputStream(bytes), bytes.length, sha);
            return null;
        });
        return new ObjectInfo(key, bytes.length, sha);
    }

    private void upload(String key, InputStream in, long size, String sha) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(bucket()).object(key).stream(in, size, -1)
                .userMetadata(Map.of(SHA256_META, sha)).build());
    }

    /**
     * Downloads an object to {@code target}: the bytes go to a temporary file beside it, which is moved into place
     * only when complete, so {@code target} never holds a partial object. Returns the size and SHA-256 of what came.
     */
    public ObjectInfo get(String key, Path target) {
        checkKey(key);
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write in " + dir + ": " + e.getMessage(), e);
        }
        try {
            ObjectInfo info;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                info = call("downloading", key, () -> {
                    try (InputStream raw = client.getObject(GetObjectArgs.builder().bucket(bucket()).object(key)
                            .build()); DigestInputStream in = new DigestInputStream(raw, digest())) {
                        long n = copy(in, out, tmp);
                        return new ObjectInfo(key, n, HexFormat.of().formatHex(in.getMessageDigest().digest()));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + tmp + ": " + e.getMessage(), e);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move the download of " + where(key) + " to " + target + ": "
                        + e.getMessage(), e);
            }
            return info;
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Size and metadata SHA-256 of an object, or empty if there is no such object. */
    public Optional<ObjectInfo> stat(String key) {
        checkKey(key);
        try {
            return Optional.of(call("reading the metadata of", key, () -> {
                StatObjectResponse r = client.statObject(StatObjectArgs.builder().bucket(bucket()).object(key).build());
                return new ObjectInfo(key, r.size(), metaSha(r.userMetadata()));
            }));
        } catch (MissingObjectException e) {
            if (e.key() == null) {
                throw e; // the bucket is gone: that is not "no such object"
            }
            return Optional.empty();
        }
    }

    public boolean exists(String key) {
        return stat(key).isPresent();
    }

    /** Every object whose key starts with {@code prefix} (recursively), sorted by key; sha256 is null. */
    public List<ObjectInfo> list(String prefix) {
        return listModified(prefix).stream().map(l -> new ObjectInfo(l.key(), l.size(), null)).toList();
    }

    /** An object of a listing with its last-modified time. */
    public record Listed(String key, long size, java.time.Instant modified) {}

    /** As {@link #list}, with each object's last-modified time (the order pushes happened in). */
    public List<Listed> listModified(String prefix) {
        if (!prefix.isEmpty()) {
            checkKey(prefix);
        }
        return call("listing", prefix, () -> {
            List<Listed> out = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket()).prefix(prefix)
                    .recursive(true).build())) {
                Item item = r.get();
                if (!item.isDir()) {
                    out.add(new Listed(item.objectName(), item.size(), item.lastModified().toInstant()));
                }
            }
            out.sort((a, b) -> a.key().compareTo(b.key()));
            return out;
        });
    }

    /** Removes an object; removing one that is not there is not an error (S3 semantics). */
    public void delete(String key) {
        checkKey(key);
        call("deleting", key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
            return null;
        });
    }

    /**
     * Refuses keys that would be unsafe as local paths or that S3 implementations treat differently: empty,
     * leading '/', '\', '.' or '..' segments, empty segments, control characters, more than 1024 UTF-8 bytes.
     */
    public static void checkKey(String key) {
        String bad = keyProblem(key);
        if (bad != null) {
            throw new IllegalArgumentException("object key '" + printable(key) + "' " + bad);
        }
    }

    private static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "is empty";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return "is longer than " + MAX_KEY_BYTES + " bytes";
        }
        if (key.startsWith("/")) {
            return "must not start with '/'";
        }
        if (key.indexOf('\\') >= 0) {
            return "must not contain '\\'";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return "must not contain control characters (found U+" + String.format("%04X", (int) c) + ")";
            }
        }
        String[] segs = key.split("/", -1);
        for (int i = 0; i < segs.length; i++) {
            // a trailing '/' (a "folder" prefix) leaves one empty last segment, which is fine
            boolean last = i == segs.length - 1;
            if (segs[i].equals("..") || segs[i].equals(".") || (segs[i].isEmpty() && !last)) {
                return "must not contain '.', '..' or empty segments";
            }
        }
        return null;
    }

    /** {@code text} fit for a message: control characters escaped (no forged log lines), at most 200 shown. */
    static String printable(String key) {
        if (key == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        key.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return key.length() > 200 ? sb + "..." : sb.toString();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new StoreException("cannot close the S3 client: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ObjectStore[" + config + "]";
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    /** Runs one client call and translates what it throws (the secret key scrubbed from every message). */
    private <T> T call(String action, String key, Call<T> c) {
        try {
            return c.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            String msg = scrub(action + " " + where(key) + " failed: " + code + " (" + e.errorResponse().message()
                    + ")");
            if (MISSING.contains(code)) {
                boolean noBucket = code.equals("NoSuchBucket");
                throw new MissingObjectException(bucket(), noBucket ? null : key,
                        noBucket ? "bucket '" + bucket() + "' does not exist at " + config.endpoint() + " (while "
                                + action + " " + where(key) + ")"
                                : "no object " + where(key), e);
            }
            if (DENIED.contains(code)) {
                throw StoreAccessException.refused(code, config.endpoint(), msg, e);
            }
            int status = e.response() == null ? 0 : e.response().code();
            if (status >= 500 || code.equals("SlowDown") || code.equals("RequestTimeout")) {
                throw new StoreUnavailableException(msg, e);
            }
            throw new StoreException(msg, e);
        } catch (ServerException | InvalidResponseException e) {
            // a 5xx or a non-S3 answer (a proxy's error page): the service is not healthy right now
            throw new StoreUnavailableException(scrub(action + " " + where(key) + " failed: S3 at "
                    + config.endpoint() + " answered badly: " + e.getMessage()), e);
        } catch (IOException e) {
            throw new StoreUnavailableException(scrub(action + " " + where(key) + " failed: cannot reach S3 at "
                    + config.endpoint() + ": " + e), e);
        } catch (Exception e) {
            throw new StoreException(scrub(action + " " + where(key) + " failed: " + e), e);
        }
    }

    private String where(String key) {
        return key == null ? "bucket '" + bucket() + "'" : "'" + bucket() + "/" + key + "'";
    }

    private String scrub(String message) {
        String secret = config.secretKey();
        return secret.length() < 4 ? message : message.replace(secret, "******");
    }

    private static String metaSha(Map<String, String> meta) {
        for (Map.Entry<String, String> e : meta.entrySet()) {
            String k = e.getKey().toLowerCase(java.util.Locale.ROOT);
            if (k.equals(SHA256_META) || k.equals("x-amz-meta-" + SHA256_META)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Copies the network stream to the file; a local write error is not a network error, so it is kept apart. */
    private static long copy(InputStream in, OutputStream out, Path file) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            try {
                out.write(buf, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
            total += n;
        }
        return total;
    }

    static String sha256(Path file) throws IOException {
        return com.oneshotct.model.data.Manifest.sha256(file);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover ".part" file is harmless: it never has the target's name
        }
    }
}
