package com.oneshotct.devstack.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.devstack.demo.PaperTable;
import com.oneshotct.devstack.demo.Untrained;
import com.oneshotct.workflows.pipeline.PipelineInput;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.cli.ProgressBar;
import com.oneshotct.worker.report.RunReport;
import com.oneshotct.worker.runtime.WorkerRuntime;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.pipeline.PipelineProgress;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import com.oneshotct.workflows.pipeline.ValidationProgress;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot demo}: the whole platform in one process. Starts the embedded stack, writes and pushes a synthetic
 * dataset, starts a worker and a pipeline run, shows its progress live and ends with the evaluation beside the
 * paper's numbers and the paths of what it kept.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline on the embedded stack (PostgreSQL, S3Proxy, Temporal test server) on a"
                + " small synthetic dataset, with live progress; ends with the evaluation beside the paper's numbers."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "oneshot-demo",
            description = "Folder for the dataset, the stack's data and the caches (default ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--backbone", defaultValue = "resnet18", description = "Default ${DEFAULT-VALUE}")
    String backbone;

    @Option(names = "--size", defaultValue = "128", description = "Slice and model size (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--iterations", defaultValue = "150", description = "Paper iterations (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--seg-warmup", defaultValue = "100", paramLabel = "N", description = "The first N iterations"
            + " train the segmentation step only (default ${DEFAULT-VALUE}: on this data the detector learns in"
            + " about that many; see docs/learning.md)")
    int segWarmup;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Adam learning rate (default ${DEFAULT-VALUE}, the"
            + " segmentation learning test's; the paper's 1e-5 barely moves a run this short)")
    double lr;

    @Option(names = "--keep", description = "Keep the stack and the worker running after the run, until Ctrl-C.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = dir.toAbsolutePath();
        Path data = root.resolve("data-" + size);
        String dataset = "synthetic-" + size;
        say(out, "1/5 starting the embedded stack in " + root.resolve("stack"));
        EmbeddedStack started = EmbeddedStack.start(root.resolve("stack"), EmbeddedStack.Ports.ANY);
        // Ctrl-C skips the try blocks below: the hook stops the stack so no PostgreSQL process outlives the demo
        Thread hook = new Thread(started::close, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(out, root, data, dataset, started);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook is running and stops the stack
            }
        }
    }

    private int run(PrintWriter out, Path root, Path data, String dataset, EmbeddedStack started) throws Exception {
        try (EmbeddedStack stack = started) {
            Map<String, String> env = new HashMap<>(stack.environment());
            env.put("ONESHOT_CACHE_DIR", root.resolve("cache").toString());
            if (!Files.exists(data.resolve("manifest.json"))) {
                say(out, "2/5 writing the synthetic dataset to " + data);
                new SyntheticCt(SyntheticCt.Options.defaults().withSize(size).withCounts(12, 4, 30, 15)
                        .withValidation(8, 12)).write(data, line -> { });
            } else {
                say(out, "2/5 using the synthetic dataset in " + data);
            }
            try (ObjectStore store = new ObjectStore(S3Config.fromEnvironment(env))) {
                var pushed = new DatasetPush(store).push(data, dataset);
                say(out, "3/5 pushed dataset '" + dataset + "' (" + pushed.files() + " files, id "
                        + pushed.datasetId().substring(0, 12) + "...) to " + pushed.bucket() + "/" + pushed.prefix());
            }
            say(out, "4/5 starting a worker (CPU and GPU queues in this process)");
            try (WorkerRuntime worker = WorkerRuntime.start(env, new WorkerRuntime.Options("oneshot-cpu",
                    "oneshot-gpu", true, true, root.resolve("work"), Device.cpu(), "demo-worker"))) {
                TemporalConfig temporal = TemporalConfig.fromEnvironment(env);
                WorkflowServiceStubs stubs = Clients.stubs(temporal);
                try {
                    WorkflowClient client = Clients.client(stubs, temporal);
                    String id = "demo-" + Long.toHexString(System.currentTimeMillis());
                    ObjectNode input = new ObjectMapper().createObjectNode().put("dataset", dataset)
                            .put("backbone", backbone).put("imageSize", size).put("iterations", iterations)
                            .put("checkpointInterval", Math.max(1, iterations / 5)).put("lr", lr)
                            .put("segWarmup", Math.min(segWarmup, iterations))
                            // the demo's story is segmentation (classification needs a longer recipe), so the
                            // best checkpoint is the best detector on the validation split
                            .put("selectMetric", "ap50");
                    say(out, "5/5 scoring the untrained model (iteration 0, the run's seed) on the test split, then"
                            + " run " + id + ": " + input);
                    Map<String, Double> untrained = Untrained.scores(PipelineInput.parse(input).train(), data,
                            "test");
                    WorkflowStub run = client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE,
                            WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(id).build());
                    run.start(input);
                    PipelineResult result = follow(out, run);
                    out.println();
                    out.printf(Locale.ROOT, "run %s %s after %d iterations%s%n", id, result.status(),
                            result.iterations(), result.message() == null ? "" : " (" + result.message() + ")");
                    if (result.validation() != null && result.checkpoint() != null) {
                        out.println("checkpoints scored on the validation split while training ("
                                + result.validation().metric() + "): " + result.validation().scores().entrySet()
                                .stream().map(e -> String.format(Locale.ROOT, "iteration %d %.3f", e.getKey(),
                                        e.getValue())).collect(java.util.stream.Collectors.joining(", ")));
                        out.println("tested and registered (alias best): iteration "
                                + result.checkpoint().iteration());
                    }
                    Map<String, Double> test = result.metrics() == null ? null : result.metrics().get("test");
                    if (test != null) {
                        PaperTable.print(out, untrained, test, "trained, " + iterations + " it.");
                    }
                    out.println();
                    Path report = null;
                    if (result.checkpoint() != null) {
                        say(out, "writing the run's report");
                        report = RunReport.write(env, id, root.resolve("report-" + id), RunReport.Options.DEFAULTS,
                                line -> say(out, "  " + line)).index();
                    }
                    out.println();
                    if (report != null) {
                        out.println("report: " + report + " (open it in a browser)");
                    }
                    out.println("kept: dataset " + data + ", registry and objects under " + root.resolve("stack")
                            + ", dataset cache " + root.resolve("cache"));
                    out.println("query the run: start the same stack with `./oneshot stack --state-dir "
                            + root.resolve("stack") + "` (or rerun the demo with --keep), `source "
                            + stack.envFile() + "`, then `./oneshot runs show " + id + "`");
                    out.flush();
                    if (keep) {
                        say(out, "stack and worker keep running (--keep); Ctrl-C stops them");
                        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "demo-worker-stop"));
                        new CompletableFuture<Void>().get();
                    }
                    return "succeeded".equals(result.status()) ? 0 : 1;
                } finally {
                    stubs.shutdownNow();
                }
            }
        }
    }

    /** Prints a line whenever the run's stage, iteration or status changes; returns the result. */
    private static PipelineResult follow(PrintWriter out, WorkflowStub run) throws Exception {
        CompletableFuture<PipelineResult> done = run.getResultAsync(PipelineResult.class);
        String last = "";
        while (true) {
            try {
                return done.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                PipelineProgress p;
                try {
                    p = run.query("progress", PipelineProgress.class);
                } catch (RuntimeException q) {
                    continue;
                }
                String line = line(p);
                if (!line.equals(last)) {
                    out.println(line);
                    out.flush();
                    last = line;
                }
            }
        }
    }

    private static String line(PipelineProgress p) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  [%s] %s", p.stage(), p.status()));
        if (p.stage().equals("train") && p.total() > 0) {
            sb.append(String.format(Locale.ROOT, " | iteration %d/%d", p.iteration(), p.total()));
            Double seg = p.losses() == null ? null : p.losses().get("segmentation");
            Double cls = p.losses() == null ? null : p.losses().get("classification");
            Double pre = p.losses() == null ? null : p.losses().get("pretrain");
            if (seg != null && cls != null) {
                sb.append(String.format(Locale.ROOT, " | seg loss %.3f cls loss %.3f", seg, cls));
            } else if (pre != null) {
                sb.append(String.format(Locale.ROOT, " | pre-training loss %.3f", pre));
            }
            if (p.etaSeconds() >= 0) {
                sb.append(" | ETA ").append(ProgressBar.duration(p.etaSeconds()));
            }
        }
        ValidationProgress v = p.validation();
        if (v != null && v.metric() != null && !v.scores().isEmpty()) {
            sb.append(String.format(Locale.ROOT, " | validation %s best %.3f at %d (%d scored)", v.metric(), v.best(),
                    v.bestIteration(), v.scores().size()));
        }
        if (p.waitingFor() != null) {
            sb.append(" | waiting: ").append(p.waitingFor());
        }
        return sb.toString();
    }

    private static void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }
}
