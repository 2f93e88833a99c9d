package com.oneshotct.worker.cli;

import com.oneshotct.worker.runtime.WorkerRuntime;
import com.oneshotct.worker.runtime.EngineReport;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot worker}: polls the pipeline's task queues until stopped (Ctrl-C or SIGTERM stop it gracefully: a
 * running training checkpoints first). Services come from the environment, e.g. the file `oneshot stack` writes.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs a Temporal worker for the training pipeline until stopped.",
            "Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ONESHOT_DB_URL/USER/PASSWORD, ONESHOT_S3_ENDPOINT/ACCESS_KEY/"
                    + "SECRET_KEY/BUCKET, ONESHOT_CACHE_DIR, ONESHOT_DEVICE and ONESHOT_DB_MIGRATE (false: validate the"
                    + " registry schema instead of migrating it) from the environment."})
public final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--queues", defaultValue = "cpu,gpu", split = ",",
            description = "Which queues this process serves: cpu, gpu or both (default ${DEFAULT-VALUE})")
    java.util.List<String> queues;

    @Option(names = "--cpu-queue", defaultValue = "oneshot-cpu", description = "Default ${DEFAULT-VALUE}")
    String cpuQueue;

    @Option(names = "--gpu-queue", defaultValue = "oneshot-gpu", description = "Default ${DEFAULT-VALUE}")
    String gpuQueue;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Scratch folder for checkpoints (default: ONESHOT_CACHE_DIR/work or ~/.cache/oneshot/work)")
    Path work;

    @Option(names = "--identity", description = "Worker identity in Temporal and the registry (default pid@host)")
    String identity;

    private final Map<String, String> env;

    public WorkerCommand() {
        this(System.getenv());
    }

    public WorkerCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        boolean cpu = false;
        boolean gpu = false;
        for (String q : queues) {
            switch (q.trim().toLowerCase(Locale.ROOT)) {
                case "cpu" -> cpu = true;
                case "gpu" -> gpu = true;
                default -> throw new IllegalArgumentException("--queues takes cpu and/or gpu, got '" + q + "'");
            }
        }
        Path dir = work != null ? work : com.oneshotct.activities.fetch.DatasetCache.defaultRoot(env).resolve("work");
        String id = identity != null ? identity : ManagementFactory.getRuntimeMXBean().getName();
        WorkerRuntime.Options o = new WorkerRuntime.Options(cpuQueue, gpuQueue, cpu, gpu, dir,
                TrainCommand.device(env.getOrDefault("ONESHOT_DEVICE", "cpu")), id);
        CountDownLatch stopped = new CountDownLatch(1);
        WorkerRuntime rt = WorkerRuntime.start(env, o);
        spec.commandLine().getErr().printf(Locale.ROOT, "worker %s started (queues %s, device %s); %s; Ctrl-C stops"
                + " it%n", id, String.join(",", queues), o.device(), EngineReport.probe().line());
        spec.commandLine().getErr().flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rt.close();
            stopped.countDown();
        }, "worker-stop"));
        stopped.await();
        return 0;
    }
}
