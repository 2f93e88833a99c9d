package com.oneshotct.workflows.pipeline;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;

/** Reading the failures activities hand the workflow. */
final class Failures {
    private Failures() {}

    /** A cancellation (of the run, or of training by a stop), directly or as an activity's cause. */
    static boolean isCancel(Throwable t) {
        return t instanceof CanceledFailure || t instanceof ActivityFailure && t.getCause() instanceof CanceledFailure;
    }

    /**
     * One line for the registry and the progress query: the stage, how its retries ended and the activity's own
     * message with its error type, e.g. {@code stage fetch_dataset failed with a non-retryable error: BadData:
     * hash mismatch in datasets/x/a.png}.
     */
    static String describe(String stage, ActivityFailure f) {
        String how = switch (f.getRetryState()) {
            case RETRY_STATE_NON_RETRYABLE_FAILURE -> "failed with a non-retryable error";
            case RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED -> "failed on its last allowed attempt";
            case RETRY_STATE_TIMEOUT -> "ran out of time";
            default -> "failed";
        };
        return "stage " + stage + " " + how + ": " + cause(f.getCause());
    }

    private static String cause(Throwable t) {
        if (t instanceof ApplicationFailure a) {
            return (a.getType() == null || a.getType().isEmpty() ? "" : a.getType() + ": ") + a.getOriginalMessage();
        }
        if (t instanceof TimeoutFailure timeout) {
            return "timeout " + timeout.getTimeoutType() + describeCause(timeout.getCause());
        }
        if (t instanceof TemporalFailure temporal) {
            return temporal.getOriginalMessage();
        }
        return String.valueOf(t);
    }

    /** A heartbeat timeout may carry the last attempt's own failure as its cause. */
    private static String describeCause(Throwable t) {
        return t == null ? "" : " after " + cause(t);
    }
}
