package com.oneshotct.activities.store;

/**
 * The store could not be reached or answered with a server error: a network problem that a later attempt may not
 * meet, so callers retry it.
 */
public class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
