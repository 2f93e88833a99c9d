package com.oneshotct.worker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs {@code shared/bench/torch_reference.py} (PyTorch/torchvision rebuild of the one-shot model, ResNeXt50 at
 * 512x512) with the same threads, on the CPU or a CUDA device, and reads its JSON; a measuring stick only, never a
 * dependency.
 */
public final class TorchReference {
    /**
     * The reference's figures, or why there are none; peak GPU memory is torch.cuda.max_memory_allocated (tensors
     * only: no cache, no context) in MiB, -1 on the CPU.
     */
    public record Result(boolean ran, String skipped, String torch, double segStepMs, double clsStepMs,
            double inferenceMs, double peakRssMiB, double peakGpuAllocatedMiB) {
        public static Result skipped(String why) {
            return new Result(false, why, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
    }

    private TorchReference() {}

    public static Result run(Path python, Path script, int threads, int warmup, int iters, Consumer<String> progress) {
        return run(python, script, "cpu", threads, warmup, iters, progress);
    }

    /** As {@link #run(Path, Path, int, int, int, Consumer)} on {@code device}: {@code cpu} or {@code cuda:N}. */
    public static Result run(Path python, Path script, String device, int threads, int warmup, int iters,
            Consumer<String> progress) {
        if (!Files.isRegularFile(script)) {
            return Result.skipped("reference script " + script + " not found");
        }
        if (!Files.isExecutable(python)) {
            return Result.skipped(python + " not found (apt-get install -y python3-torch python3-torchvision)");
        }
        List<String> cmd = List.of(python.toString(), script.toString(), "--device", device, "--threads",
                String.valueOf(threads), "--iters", String.valueOf(iters), "--warmup", String.valueOf(warmup));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            AtomicReference<Double> peak = new AtomicReference<>(-1.0);
            Thread watcher = new Thread(() -> {
                while (p.isAlive()) {
                    double now = PeakMemory.ofPid(p.pid());
                    if (now > peak.get()) {
                        peak.set(now);
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    progress.accept("reference: " + line);
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                String tail = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
                if (tail.contains("ModuleNotFoundError")) {
                    return Result.skipped("python3-torch is not installed: " + tail);
                }
                return Result.skipped("reference failed (exit " + p.exitValue() + "): " + tail);
            }
            JsonNode out = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            JsonNode t = out.path("timings");
            return new Result(true, null, out.path("torch").asText(), t.path("seg_step_ms").asDouble(),
                    t.path("cls_step_ms").asDouble(), t.path("inference_ms").asDouble(), peak.get(),
                    t.has("peak_mem_gib") ? t.path("peak_mem_gib").asDouble() * 1024 : -1);
        } catch (IOException e) {
            return Result.skipped("reference could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.skipped("interrupted");
        }
    }
}
