package com.oneshotct.db;

/**
 * A repeated write that does not repeat the first one: the same natural key with different content, e.g. a
 * checkpoint key recorded twice with two different hashes. Retries are idempotent; contradictions are not.
 */
public class ConflictException extends RegistryException {

    public ConflictException(String message) {
        super(message);
    }
}
