package com.oneshotct.activities.fetch;

/**
 * The dataset in the store is wrong in a way no retry can fix: malformed or unsafe manifest, an object missing,
 * or an object whose bytes do not match its manifest entry. The message names the dataset and the object.
 */
public class BadDatasetException extends RuntimeException {
    public BadDatasetException(String message) {
        super(message);
    }

    public BadDatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
