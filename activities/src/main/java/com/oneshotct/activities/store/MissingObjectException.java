package com.oneshotct.activities.store;

/** The object, or its whole bucket, is not there ({@code NoSuchKey} / {@code NoSuchBucket}). */
public class MissingObjectException extends StoreException {
    private final String bucket;
    private final String key;

    public MissingObjectException(String bucket, String key, String message, Throwable cause) {
        super(message, cause);
        this.bucket = bucket;
        this.key = key;
    }

    public String bucket() {
        return bucket;
    }

    /** The object key, or null when the bucket itself is missing and no key was asked for. */
    public String key() {
        return key;
    }
}
