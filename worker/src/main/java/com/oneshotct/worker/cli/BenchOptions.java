package com.oneshotct.worker.cli;

import com.oneshotct.config.ModelConfig;
import com.oneshotct.worker.bench.TorchReference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The options every benchmark shares: threads, repetitions, configurations, the reference, the output form. */
public final class BenchOptions {
    @Option(names = "--threads", defaultValue = "2", description = "CPU threads for both (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--iters", defaultValue = "3", description = "timed iterations (default ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed iterations first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--configs", split = ",", defaultValue = "small,resnext50",
            description = "small (ResNet18, 256 px) and/or resnext50 (ResNeXt50-32x4d, 512 px)")
    List<String> configs;

    @Option(names = "--no-reference", description = "skip the PyTorch reference")
    boolean noReference;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default ${DEFAULT-VALUE})")
    Path python;

    @Option(names = "--reference", description = "torch_reference.py (default: shared/bench beside the checkout)")
    Path reference;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    /** Checks the numbers and sets libtorch's threads; must precede the engine's first use in this JVM. */
    void apply() {
        if (threads < 1 || iters < 1 || warmup < 0) {
            throw new IllegalArgumentException("bench: --threads and --iters must be >= 1, --warmup >= 0");
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /** The chosen configurations by label, in the order given. */
    Map<String, ModelConfig> models() {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (String name : configs) {
            out.put(name, switch (name) {
                case "small" -> ModelConfig.builder().optBackbone("resnet18").optImageSize(256).build();
                case "resnext50" -> ModelConfig.defaults();
                default -> throw new IllegalArgumentException("bench: unknown config '" + name
                        + "' (small, resnext50)");
            });
        }
        return out;
    }

    /** Runs the PyTorch reference unless {@code --no-reference}. */
    TorchReference.Result reference(Consumer<String> progress) {
        return reference("cpu", progress);
    }

    /** Runs the PyTorch reference on {@code torchDevice} ({@code cpu}, {@code cuda:N}) unless {@code --no-reference}. */
    TorchReference.Result reference(String torchDevice, Consumer<String> progress) {
        return noReference ? TorchReference.Result.skipped("--no-reference")
                : TorchReference.run(python, script(), torchDevice, threads, warmup, iters, progress);
    }

    /** Progress lines to stderr, flushed at once. */
    public static Consumer<String> progress(PrintWriter err) {
        return line -> {
            err.println(line);
            err.flush();
        };
    }

    /** The reference script: {@code --reference}, or {@code ../shared/bench/torch_reference.py} beside the checkout. */
    private Path script() {
        if (reference != null) {
            return reference;
        }
        String home = System.getenv("ONESHOT_HOME");
        Path root = home != null ? Path.of(home) : Path.of(".");
        return root.resolve("../shared/bench/torch_reference.py").normalize();
    }
}
