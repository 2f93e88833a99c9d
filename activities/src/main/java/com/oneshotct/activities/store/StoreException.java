package com.oneshotct.activities.store;

/**
 * The object store refused or failed a request. The message names the bucket and key where there is one and
 * never holds a secret.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
