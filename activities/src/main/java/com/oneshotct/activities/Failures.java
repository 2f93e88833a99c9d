package com.oneshotct.activities;

import com.oneshotct.db.ConflictException;
import com.oneshotct.db.ConstraintViolationException;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.RegistryException;
import com.oneshotct.workflows.contract.ErrorTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

/**
 * Every failure an activity raises that no retry can fix, as the {@code ApplicationFailure} of its
 * {@link ErrorTypes} type (every stage's retry policy lists those as non-retryable), made here and nowhere else.
 *
 * <p>Registry errors: a missing row, a refused row or a contradicting repeat is the same on every retry, so it fails
 * the stage at once ({@link ErrorTypes#NOT_FOUND}, {@link ErrorTypes#BAD_CONFIG}); anything else (connection
 * refused, pool timeout, deadlock) is left as it is, and Temporal retries it.
 */
public final class Failures {

    private Failures() {
    }

    /** The dataset's bytes are wrong ({@link ErrorTypes#BAD_DATA}). */
    public static ApplicationFailure badData(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, ErrorTypes.BAD_DATA);
    }

    /** A named thing does not exist ({@link ErrorTypes#NOT_FOUND}). */
    public static ApplicationFailure notFound(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, ErrorTypes.NOT_FOUND);
    }

    /** A checkpoint written for another configuration ({@link ErrorTypes#FOREIGN_CHECKPOINT}). */
    public static ApplicationFailure foreignCheckpoint(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, ErrorTypes.FOREIGN_CHECKPOINT);
    }

    /** Runs a registry call, turning the errors no retry can fix into non-retryable failures. */
    public static <T> T registry(Supplier<T> registryCall) {
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

    /** The run's configuration cannot work ({@link ErrorTypes#BAD_CONFIG}). */
    public static ApplicationFailure badConfig(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, ErrorTypes.BAD_CONFIG);
    }
}
