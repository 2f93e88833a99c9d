package com.oneshotct.db;

/** An id that the registry does not know: {@code run 'x' not found}. */
public class NotFoundException extends RegistryException {

    public NotFoundException(String kind, Object id) {
        super(kind + " '" + id + "' not found");
    }
}
