package com.oneshotct.worker.cli;

import com.oneshotct.model.nn.Nnpack;
import com.oneshotct.worker.runtime.EngineReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints the libtorch, CUDA build and GPUs this process finds, and with {@code --device} checks that it can run
 * there (exit code 2 saying why not). The CUDA image runs it once at build time, online, so that DJL fetches the
 * CUDA libtorch into its cache; the worker then starts offline.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Prints the libtorch (version, CPU or CUDA build) and the GPUs this process finds.",
            "With --device, exits 2 when it cannot run there, saying why."})
public final class EngineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--device", paramLabel = "D", description = "cpu, gpu or gpu:N: check that it is usable")
    String device;

    @Override
    public Integer call() {
        EngineReport r = EngineReport.probe();
        spec.commandLine().getOut().println(r.line());
        spec.commandLine().getOut().println(Nnpack.describe());
        if (device != null) {
            spec.commandLine().getOut().println("device " + device + ": " + r.device(device) + " usable");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
