package com.oneshotct.activities.store;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the object store lives: endpoint URL, access key, secret key and bucket. {@link #toString()} never shows
 * the secret key.
 */
public record S3Config(String endpoint, String accessKey, String secretKey, String bucket) {
    public static final String ENDPOINT_VAR = "ONESHOT_S3_ENDPOINT";
    public static final String ACCESS_KEY_VAR = "ONESHOT_S3_ACCESS_KEY";
    public static final String SECRET_KEY_VAR = "ONESHOT_S3_SECRET_KEY";
    public static final String BUCKET_VAR = "ONESHOT_S3_BUCKET";
    public static final String DEFAULT_BUCKET = "oneshot";
    // S3's bucket naming rules: 3-63 characters, lower-case letters, digits, '.' and '-', letters or digits at
    // both ends; MinIO and S3Proxy refuse anything else with an error that does not say why.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Config {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(bucket, "bucket");
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new IllegalArgumentException("S3 endpoint (" + ENDPOINT_VAR + ") must be an http:// or https:// URL,"
                    + " got '" + endpoint + "'");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("S3 bucket (" + BUCKET_VAR + ") '" + bucket + "' breaks S3's naming"
                    + " rules: 3-63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit");
        }
    }

    /** Reads the {@code ONESHOT_S3_*} variables; endpoint and both keys are required, the bucket defaults. */
    public static S3Config fromEnvironment(Map<String, String> env) {
        String bucket = blankToNull(env.get(BUCKET_VAR));
        return new S3Config(required(env, ENDPOINT_VAR), required(env, ACCESS_KEY_VAR),
                required(env, SECRET_KEY_VAR), bucket == null ? DEFAULT_BUCKET : bucket);
    }

    public static S3Config fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The same store, another bucket. */
    public S3Config withBucket(String newBucket) {
        return new S3Config(endpoint, accessKey, secretKey, newBucket);
    }

    @Override
    public String toString() {
        return "S3Config[endpoint=" + endpoint + ", accessKey=" + accessKey
                + ", secretKey=" + (secretKey.isEmpty() ? "<none>" : "******") + ", bucket=" + bucket + "]";
    }

    private static String required(Map<String, String> env, String name) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            throw new IllegalArgumentException(name + " is not set: the object store needs " + ENDPOINT_VAR + ", "
                    + ACCESS_KEY_VAR + " and " + SECRET_KEY_VAR + " (and optionally " + BUCKET_VAR + ", default '"
                    + DEFAULT_BUCKET + "')");
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
