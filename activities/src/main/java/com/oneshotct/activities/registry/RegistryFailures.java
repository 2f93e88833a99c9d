package com.oneshotct.activities.registry;

import com.oneshotct.db.ConflictException;
import com.oneshotct.db.ConstraintViolationException;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.RegistryException;
import com.oneshotct.workflows.contract.ErrorTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

/**
 * Registry errors as Temporal sees them. A missing row, a refused row or a contradicting repeat is the same on
 * every retry, so it fails the stage at once ({@link ErrorTypes#NOT_FOUND}, {@link ErrorTypes#BAD_CONFIG});
 * anything else (connection refused, pool timeout, deadlock) is left as it is, and Temporal retries it.
 */
public final class RegistryFailures {

    private RegistryFailures() {
    }

    /** Runs a registry call, turning the errors no retry can fix into non-retryable failures. */
    public static <T> T call(Supplier<T> registryCall) {
        try {
            return registryCall.get();
        } catch (RegistryException e) {
            throw translate(e);
        }
    }

    /** The failure an activity should throw for {@code e}. */
    public static RuntimeException translate(RegistryException e) {
        if (e instanceof NotFoundException) {
            return ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), ErrorTypes.NOT_FOUND, e);
        }
        if (e instanceof ConstraintViolationException || e instanceof ConflictException) {
            return ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), ErrorTypes.BAD_CONFIG, e);
        }
        return e;
    }

    /** A non-retryable {@link ErrorTypes#BAD_CONFIG} failure with this message. */
    public static ApplicationFailure badConfig(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, ErrorTypes.BAD_CONFIG);
    }
}
