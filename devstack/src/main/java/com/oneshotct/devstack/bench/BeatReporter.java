package com.oneshotct.devstack.bench;

import com.oneshotct.activities.train.TrainHeartbeat;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityExecutionContextBase;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.io.PrintStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker interceptor that prints one line per training heartbeat, so that a process watching this worker knows
 * to the iteration where training is: {@code BENCH-BEAT <workflow id> <Temporal attempt> <iteration> <loop> <epoch
 * ms>}. {@code loop} is 1 for the heartbeat the trainer sends after finishing an iteration, 0 for the ones that
 * re-send the previous attempt's details while an attempt starts (told apart by the caller on the stack: the
 * training loop's listener, {@code TrainingActivitiesImpl$Loop}).
 */
public final class BeatReporter extends WorkerInterceptorBase {
    public static final String PREFIX = "BENCH-BEAT";
    private static final Pattern LINE = Pattern.compile(PREFIX + " (\\S+) (\\d+) (\\d+) ([01]) (\\d+)");
    private static final String LOOP = "TrainingActivitiesImpl$Loop";

    /** One reported heartbeat. */
    public record Beat(String workflowId, int attempt, int iteration, boolean loop, long epochMillis) {
        /** The beat a line reports, or null for any other line. */
        public static Beat parse(String line) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                return null;
            }
            return new Beat(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    m.group(4).equals("1"), Long.parseLong(m.group(5)));
        }
    }

    private final PrintStream out;

    public BeatReporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
            @Override
            public void init(ActivityExecutionContext context) {
                super.init(new ActivityExecutionContextBase(context) {
                    @Override
                    public <V> void heartbeat(V details) throws ActivityCompletionException {
                        if (details instanceof TrainHeartbeat h) {
                            report(getInfo(), h.iteration());
                        }
                        super.heartbeat(details);
                    }
                });
            }
        };
    }

    private void report(ActivityInfo info, int iteration) {
        boolean loop = StackWalker.getInstance().walk(s -> s.anyMatch(f -> f.getClassName().endsWith(LOOP)));
        synchronized (out) {
            out.printf(Locale.ROOT, "%s %s %d %d %d %d%n", PREFIX, info.getWorkflowId(), info.getAttempt(), iteration,
                    loop ? 1 : 0, System.currentTimeMillis());
            out.flush();
        }
    }
}
