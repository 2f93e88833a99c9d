package com.oneshotct.activities.store;

/**
 * A write-once key ({@link ObjectStore#putNew}) already holds other bytes than the ones offered; the object was left
 * as it was. No retry with the same key can succeed.
 */
public class ObjectConflictException extends StoreException {
    private final String key;

    public ObjectConflictException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
