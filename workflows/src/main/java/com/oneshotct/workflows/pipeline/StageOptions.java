package com.oneshotct.workflows.pipeline;

import com.oneshotct.workflows.contract.ErrorTypes;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Every stage's activity options, in one place: task queue, timeouts, retry policy. Each policy lists
 * {@link ErrorTypes#NON_RETRYABLE}, so bad data or a bad configuration fails its stage at once instead of after the
 * whole backoff; what is left (network, a lost worker, a crashed process) is retried with exponential backoff.
 *
 * <table>
 * <caption>stages</caption>
 * <tr><th>stage</th><th>queue</th><th>start-to-close</th><th>heartbeat</th><th>backoff</th><th>attempts</th></tr>
 * <tr><td>registry writes</td><td>cpu</td><td>1 min</td><td>-</td><td>1 s .. 30 s</td><td>5</td></tr>
 * <tr><td>fetch dataset</td><td>cpu</td><td>30 min</td><td>2 min</td><td>2 s .. 1 min</td><td>5</td></tr>
 * <tr><td>train</td><td>gpu</td><td>12 h</td><td>input (5 min)</td><td>5 s .. 5 min</td><td>5</td></tr>
 * <tr><td>evaluate</td><td>cpu</td><td>2 h</td><td>5 min</td><td>5 s .. 5 min</td><td>3</td></tr>
 * </table>
 */
public final class StageOptions {
    public static final double BACKOFF = 2.0;

    public static final Duration REGISTRY_TIMEOUT = Duration.ofMinutes(1);
    public static final int REGISTRY_ATTEMPTS = 5;
    public static final Duration FETCH_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration FETCH_HEARTBEAT = Duration.ofMinutes(2);
    public static final int FETCH_ATTEMPTS = 5;
    /** Per attempt; a retried attempt resumes from the newest checkpoint, so a long run spans many of these. */
    public static final Duration TRAIN_TIMEOUT = Duration.ofHours(12);
    public static final int TRAIN_ATTEMPTS = 5;
    public static final Duration EVALUATE_TIMEOUT = Duration.ofHours(2);
    public static final Duration EVALUATE_HEARTBEAT = Duration.ofMinutes(5);
    public static final int EVALUATE_ATTEMPTS = 3;

    private StageOptions() {}

    /** registerRun, setRunStatus, latestCheckpoint, registerMetrics: short idempotent SQL writes and reads. */
    public static ActivityOptions registry(PipelineInput in) {
        return ActivityOptions.newBuilder()
                .setTaskQueue(in.cpuQueue())
                .setStartToCloseTimeout(REGISTRY_TIMEOUT)
                .setRetryOptions(retry(Duration.ofSeconds(1), Duration.ofSeconds(30), REGISTRY_ATTEMPTS))
                .build();
    }

    public static ActivityOptions fetch(PipelineInput in) {
        return ActivityOptions.newBuilder()
                .setTaskQueue(in.cpuQueue())
                .setStartToCloseTimeout(FETCH_TIMEOUT)
                .setHeartbeatTimeout(FETCH_HEARTBEAT)
                .setRetryOptions(retry(Duration.ofSeconds(2), Duration.ofMinutes(1), FETCH_ATTEMPTS))
                .build();
    }

    /**
     * Training waits for its cancellation to complete: a stop cancels the activity, which writes a final
     * checkpoint before it acknowledges, and only then may the workflow look that checkpoint up.
     */
    public static ActivityOptions train(PipelineInput in) {
        return ActivityOptions.newBuilder()
                .setTaskQueue(in.gpuQueue())
                .setStartToCloseTimeout(TRAIN_TIMEOUT)
                .setHeartbeatTimeout(in.heartbeatTimeout())
                .setRetryOptions(retry(Duration.ofSeconds(5), Duration.ofMinutes(5), TRAIN_ATTEMPTS))
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .build();
    }

    public static ActivityOptions evaluate(PipelineInput in) {
        return ActivityOptions.newBuilder()
                .setTaskQueue(in.cpuQueue())
                .setStartToCloseTimeout(EVALUATE_TIMEOUT)
                .setHeartbeatTimeout(EVALUATE_HEARTBEAT)
                .setRetryOptions(retry(Duration.ofSeconds(5), Duration.ofMinutes(5), EVALUATE_ATTEMPTS))
                .build();
    }

    static RetryOptions retry(Duration first, Duration max, int attempts) {
        return RetryOptions.newBuilder()
                .setInitialInterval(first)
                .setMaximumInterval(max)
                .setBackoffCoefficient(BACKOFF)
                .setMaximumAttempts(attempts)
                .setDoNotRetry(ErrorTypes.NON_RETRYABLE.toArray(String[]::new))
                .build();
    }
}
