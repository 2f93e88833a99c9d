package com.oneshotct.activities.store;

/**
 * The store refused the credentials or the permission ({@code AccessDenied}, {@code SignatureDoesNotMatch},
 * {@code InvalidAccessKeyId}): this worker's keys are wrong, which another worker (or this one, restarted with the
 * right keys) can fix, so it is not a fault of the data.
 */
public class StoreAccessException extends StoreException {
    public StoreAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
