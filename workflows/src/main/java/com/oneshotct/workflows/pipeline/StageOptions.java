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
 * <tr><td>registry writes</td><td>cpu</td><td>30 s</td><td>-</td><td>1 s .. 30 s</td><td>5</td></tr>
 * <tr><td>fetch dataset</td><td>cpu</td><td>30 min</td><td>2 min, or input if shorter</td><td>2 s .. 1 min</td>
 *     <td>5</td></tr>
 * <tr><td>train</td><td>gpu</td><td>12 h</td><td>input (5 min)</td><td>5 s .. 5 min</td><td>5</td></tr>
 * <tr><td>validate</td><td>cpu</td><td>2 h</td><td>5 min, or input if shorter</td><td>5 s .. 5 min</td>
 *     <td>3</td></tr>
 * <tr><td>evaluate</td><td>cpu</td><td>2 h</td><td>5 min, or input if shorter</td><td>5 s .. 5 min</td>
 *     <td>3</td></tr>
 * </table>
 *
 * <p>The input's {@code heartbeatTimeout} is how soon a lost worker is noticed; fetch and evaluate take it too when
 * it is shorter than their own, but never under {@link #MIN_STAGE_HEARTBEAT} (the fetch heartbeats every 5 s at
 * most).
 */
public final class StageOptions {
    public static final double BACKOFF = 2.0;

    /**
     * Registry calls take milliseconds; this is how long a run waits for one whose worker died. Three times the
     * connection pool's 10 s wait, so that a call failing on an unreachable database fails rather than times out.
     */
    public static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);
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
    /** The shortest heartbeat timeout fetch and evaluate take from the input. */
    public static final Duration MIN_STAGE_HEARTBEAT = Duration.ofSeconds(10);

    private StageOptions() {}

    /**
     * registerRun, setRunStatus, latestCheckpoint, registerMetrics, and a sweep's registerSweep and setSweepStatus:
     * short idempotent SQL writes and reads.
     */
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
                .setHeartbeatTimeout(heartbeat(FETCH_HEARTBEAT, in))
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
                .setHeartbeatTimeout(heartbeat(EVALUATE_HEARTBEAT, in))
                .setRetryOptions(retry(Duration.ofSeconds(5), Duration.ofMinutes(5), EVALUATE_ATTEMPTS))
                .build();
    }

    /**
     * One checkpoint's validation, beside training: the evaluation's options. A scoring that fails for good does
     * not park the run; the checkpoint is just not a candidate. A cancelled run abandons its scorings rather than
     * cancel them: one left running only records its evaluation, and a cancellation request racing a scoring that
     * has not started yet is a case the SDK's activity state machine cannot always replay.
     */
    public static ActivityOptions validate(PipelineInput in) {
        return ActivityOptions.newBuilder(evaluate(in))
                .setCancellationType(ActivityCancellationType.ABANDON)
                .build();
    }

    /** A stage's own heartbeat timeout, or the input's when that is shorter (not under MIN_STAGE_HEARTBEAT). */
    static Duration heartbeat(Duration own, PipelineInput in) {
        Duration wanted = in.heartbeatTimeout().compareTo(MIN_STAGE_HEARTBEAT) < 0
                ? MIN_STAGE_HEARTBEAT : in.heartbeatTimeout();
        return wanted.compareTo(own) < 0 ? wanted : own;
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
