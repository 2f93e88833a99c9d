package com.oneshotct.worker.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import com.oneshotct.model.data.DataException;
import com.oneshotct.worker.runtime.EngineReport;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code oneshot bench} on its own, for a classpath that holds the model but not the platform (no Temporal,
 * PostgreSQL or S3 client): the slim jar that {@code tools/gpu-check} packs. Adds {@code engine}, which loads libtorch
 * through DJL and says what it found.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.addSubcommand("engine", new EngineCheck());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean badInput = ex instanceof DataException || ex instanceof IllegalArgumentException;
            cmd.getErr().println("error: " + ex.getMessage());
            if (!badInput) {
                ex.printStackTrace(cmd.getErr());
            }
            return badInput ? 2 : 1;
        });
        System.exit(cli.execute(args));
    }

    /** Loads the engine, prints its version, libtorch's folder, the GPUs, and runs one small product on each device. */
    @Command(name = "engine", description = "Load libtorch through DJL and say what it found; exit 1 with the reason"
            + " when it does not load.")
    static final class EngineCheck implements Callable<Integer> {
        @Override
        public Integer call() {
            EngineReport report;
            try {
                report = EngineReport.probe();
            } catch (EngineReport.Unavailable e) {
                System.out.println("engine: PyTorch did not load: " + e.getMessage());
                return 1;
            }
            Engine engine = Engine.getEngine("PyTorch");
            System.out.println("engine: " + report.line());
            System.out.println("engine: PyTorch " + engine.getVersion() + " from " + LibUtils.getLibtorchPath());
            boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
            int gpus = engine.getGpuCount();
            System.out.println("engine: CUDA capability " + cuda + ", GPUs " + gpus
                    + (CudaUtils.hasCuda() ? ", CUDA runtime " + CudaUtils.getCudaVersionString() : ""));
            System.out.println("engine: default device " + engine.defaultDevice());
            check(Device.cpu());
            for (int i = 0; i < gpus; i++) {
                check(Device.gpu(i));
            }
            return 0;
        }

        private static void check(Device device) {
            try (NDManager m = NDManager.newBaseManager(device, "PyTorch")) {
                float sum = m.ones(new Shape(64, 64)).matMul(m.ones(new Shape(64, 64))).sum().getFloat();
                System.out.println("engine: " + device + " 64x64 product sums to " + sum + " (expect 262144.0)");
            }
        }
    }
}
