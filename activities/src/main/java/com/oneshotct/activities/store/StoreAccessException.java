package com.oneshotct.activities.store;

import java.util.Set;

/**
 * The store refused the credentials or the permission ({@code AccessDenied}, {@code SignatureDoesNotMatch},
 * {@code InvalidAccessKeyId}): this worker's keys are wrong, which another worker (or this one, restarted with the
 * right keys) can fix, so it is not a fault of the data.
 */
public class StoreAccessException extends StoreException {

    /** Codes of credentials the store does not accept at all: an unknown key, a wrong secret, a dead token. */
    private static final Set<String> CREDENTIALS_REFUSED = Set.of("SignatureDoesNotMatch", "InvalidAccessKeyId",
            "InvalidToken", "ExpiredToken");

    public StoreAccessException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The refusal {@code code} from the store at {@code endpoint}, said plainly before {@code detail} (the call and
     * the store's own words, already free of the secret key): refused credentials (rotated keys, the usual case)
     * or a permission the keys lack.
     */
    static StoreAccessException refused(String code, String endpoint, String detail, Throwable cause) {
        if (CREDENTIALS_REFUSED.contains(code)) {
            return new StoreAccessException("the object store refused this worker's credentials ("
                    + S3Config.ACCESS_KEY_VAR + "): " + endpoint + " answered " + code + "; were the keys rotated?"
                    + " Set " + S3Config.ACCESS_KEY_VAR + " and " + S3Config.SECRET_KEY_VAR + " to the current pair"
                    + " and restart the worker (" + detail + ")", cause);
        }
        return new StoreAccessException(detail + "; the object store denied this worker's keys the permission:"
                + " check " + S3Config.ACCESS_KEY_VAR + ", " + S3Config.SECRET_KEY_VAR + " and what they may do",
                cause);
    }
}
