package com.oneshotct.worker.cli;

import com.oneshotct.worker.report.ReportWriter;
import com.oneshotct.worker.report.RunReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code oneshot report RUN_ID --out DIR}: a run's HTML report with its figures as PNG files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes DIR/index.html for a run: header, stage attempts, loss curves, evaluations, confusion"
                + " matrix, per-class sensitivity, AP per IoU threshold and mask overlays of test slices"
                + " (prediction beside ground truth), the figures as PNG files beside it.",
            "Reads ONESHOT_DB_URL/USER/PASSWORD, ONESHOT_S3_ENDPOINT/ACCESS_KEY/SECRET_KEY/BUCKET, ONESHOT_CACHE_DIR"
                    + " and ONESHOT_DEVICE from the environment; evaluates the checkpoint again on the run's"
                    + " dataset (downloaded into the cache, verified)."})
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "the run's workflow id, or its registry run number")
    String runId;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write the report into")
    Path out;

    @Option(names = "--slices", paramLabel = "N", defaultValue = "" + RunReport.DEFAULT_SLICES,
            description = "overlays of the first N segmentation test slices by name (default ${DEFAULT-VALUE})")
    int slices;

    @Option(names = "--device", paramLabel = "D",
            description = "cpu, gpu or gpu:N (default: ONESHOT_DEVICE, else cpu)")
    String device;

    private final Map<String, String> env;

    public ReportCommand() {
        this(System.getenv());
    }

    /** With another environment than the process's (tests, the embedded stack's). */
    public ReportCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        RunReport.Options options = new RunReport.Options(slices,
                TrainCommand.device(device != null ? device : env.getOrDefault("ONESHOT_DEVICE", "cpu")));
        PrintWriter o = spec.commandLine().getOut();
        long start = System.nanoTime();
        ReportWriter.Written w = RunReport.write(env, runId, out, options, line -> {
            o.println(line);
            o.flush();
        });
        o.printf(Locale.ROOT, "report: %s (%d PNG files, %.1f s)%n", w.index().toAbsolutePath(), w.images().size(),
                (System.nanoTime() - start) / 1e9);
        o.flush();
        return 0;
    }
}
