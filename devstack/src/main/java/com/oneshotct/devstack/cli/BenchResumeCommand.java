package com.oneshotct.devstack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.devstack.bench.ResumeBench;
import com.oneshotct.worker.cli.BenchOptions;
import com.oneshotct.workflows.pipeline.PipelineInput;
import com.oneshotct.workflows.pipeline.StageOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code oneshot bench resume}: work lost per worker crash against the checkpoint interval, and time to resume. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Worker crashes on the embedded stack: worker JVMs (this jar) are killed with SIGKILL at a"
                + " seeded random iteration past the first checkpoint and replaced at once. Prints the iterations"
                + " redone per crash beside the checkpoint interval (at most one interval can be lost), and the"
                + " seconds from the kill to the next attempt beside their bound (Temporal retries at most a heartbeat"
                + " timeout after the last heartbeat it received, plus the first retry backoff) and to training"
                + " again (the next attempt's first iteration finished).",
            "Progress goes to stderr, the table (or --json) to stdout."})
public final class BenchResumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--intervals", split = ",", defaultValue = "1,2",
            description = "checkpoint intervals to try (default ${DEFAULT-VALUE})")
    List<Integer> intervals;

    @Option(names = "--iterations", defaultValue = "4", description = "iterations per run (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--kills", defaultValue = "1", description = "crashed runs per interval (default ${DEFAULT-VALUE})")
    int kills;

    @Option(names = "--seed", defaultValue = "1", description = "picks the kill points (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--heartbeat-timeout", defaultValue = "PT10S",
            description = {"the runs' heartbeatTimeout, ISO-8601 (default ${DEFAULT-VALUE}). It must outlast the"
                    + " longest gap between an attempt's heartbeats: its start (checkpoint download and load)"
                    + " heartbeats between steps only, and a timeout of a few seconds times every attempt out."})
    Duration heartbeatTimeout;

    @Option(names = "--size", defaultValue = "64", description = "image and model size (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads per worker (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ResumeBench.Options o = new ResumeBench.Options(intervals, iterations, kills, seed, heartbeatTimeout, size,
                threads);
        ResumeBench.Result r = ResumeBench.run(o, BenchOptions.progress(spec.commandLine().getErr()));
        double bound = heartbeatTimeout.toMillis() / 1e3 + backoff();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(r, bound)));
        } else {
            out.printf(Locale.ROOT, "worker crashes (SIGKILL): %d iterations per run, heartbeat timeout %s%n",
                    iterations, heartbeatTimeout);
            out.printf(Locale.ROOT, "%-8s %7s %8s %7s %10s %10s %10s %9s%n", "interval", "killed", "resumed",
                    "redone", "attempt s", "training s", "JVM s", "run");
            for (ResumeBench.Trial t : r.trials()) {
                out.printf(Locale.ROOT, "%-8d %7d %8d %7d %10.1f %10.1f %10.1f %9s%n", t.interval(), t.killedAfter(),
                        t.resumedFrom(), t.redone(), t.killToAttemptS(), t.killToTrainingS(), t.workerStartS(),
                        t.status());
            }
            r.meanRedoneByInterval().forEach((c, m) -> out.printf(Locale.ROOT,
                    "interval %d: %.2f iterations redone per crash (at most %d)%n", c, m, c));
            out.printf(Locale.ROOT, "kill to the next attempt: at most %.1f s (heartbeat timeout + first retry"
                    + " backoff) plus dispatch; kill to training again (first iteration finished): %.1f s on"
                    + " average%n", bound, r.meanKillToTrainingS());
        }
        out.flush();
        return r.trials().stream().allMatch(t -> "succeeded".equals(t.status())) ? 0 : 1;
    }

    /** The train stage's first retry interval, in seconds: after the timeout Temporal waits this long. */
    private static double backoff() {
        return StageOptions.train(PipelineInput.defaults()).getRetryOptions().getInitialInterval().toMillis() / 1e3;
    }

    private ObjectNode toJson(ResumeBench.Result r, double bound) {
        ObjectNode root = new ObjectMapper().createObjectNode().put("bench", "resume").put("iterations", iterations)
                .put("heartbeat_timeout_s", heartbeatTimeout.toMillis() / 1e3).put("seed", seed)
                .put("threads", threads);
        var list = root.putArray("trials");
        for (ResumeBench.Trial t : r.trials()) {
            list.addObject().put("interval", t.interval()).put("workflow_id", t.workflowId())
                    .put("killed_after_iteration", t.killedAfter()).put("resumed_from_iteration", t.resumedFrom())
                    .put("iterations_redone", t.redone()).put("first_new_iteration", t.firstNewIteration())
                    .put("kill_to_attempt_s", t.killToAttemptS()).put("kill_to_training_s", t.killToTrainingS())
                    .put("worker_start_s", t.workerStartS()).put("status", t.status());
        }
        ObjectNode redone = root.putObject("mean_redone_by_interval");
        r.meanRedoneByInterval().forEach((c, m) -> redone.put(String.valueOf(c), m));
        root.put("mean_kill_to_training_s", r.meanKillToTrainingS());
        root.putObject("reference").put("what", "redone: at most the checkpoint interval; kill to attempt: at most"
                + " the heartbeat timeout (counted from the last heartbeat the server received) + the train stage's"
                + " first retry backoff, plus dispatch").put("kill_to_attempt_bound_s", bound);
        return root;
    }
}
