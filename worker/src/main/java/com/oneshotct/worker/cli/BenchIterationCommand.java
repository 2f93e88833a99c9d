package com.oneshotct.worker.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.worker.bench.IterationBench;
import com.oneshotct.worker.bench.TorchReference;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code oneshot bench iteration}: the paper's iteration and one-shot inference beside the PyTorch reference. */
@Command(name = "iteration", mixinStandardHelpOptions = true,
        description = {"Milliseconds per paper iteration (segmentation step + classification step on one shared Adam)"
                + " and per one-shot inference (segmentation and classification from one pass), and peak resident"
                + " memory, for the small configuration and ResNeXt50 at 512x512; then"
                + " ../shared/bench/torch_reference.py (the same architecture in PyTorch) on the same threads, and"
                + " the ratios.",
            "With --device gpu both run on that GPU, and peak GPU memory is reported as well.",
            "Progress goes to stderr, the table (or --json) to stdout."})
final class BenchIterationCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BenchOptions o;

    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu, gpu or gpu:N; the reference runs on the same device (default ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        o.apply();
        Device dev = TrainCommand.device(device);
        PrintWriter err = spec.commandLine().getErr();
        List<IterationBench.Result> ours = new ArrayList<>();
        for (var e : o.models().entrySet()) {
            ours.add(IterationBench.run(e.getKey(), e.getValue(), dev, o.warmup, o.iters,
                    BenchOptions.progress(err)));
        }
        // torch_reference.py synchronizes and reports peak memory for "cuda" (its current device, 0) only
        String torchDevice = !dev.isGpu() ? "cpu" : dev.getDeviceId() == 0 ? "cuda" : "cuda:" + dev.getDeviceId();
        TorchReference.Result ref = o.reference(torchDevice, BenchOptions.progress(err));
        PrintWriter out = spec.commandLine().getOut();
        if (o.json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(ours, ref)));
        } else {
            print(out, ours, ref);
        }
        out.flush();
        return 0;
    }

    private ObjectNode toJson(List<IterationBench.Result> ours, TorchReference.Result ref) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("device", device).put("threads", o.threads).put("iters", o.iters).put("warmup", o.warmup);
        ArrayNode list = root.putArray("ours");
        for (IterationBench.Result r : ours) {
            list.addObject().put("config", r.config()).put("backbone", r.backbone()).put("image_size", r.imageSize())
                    .put("parameters", r.parameters()).put("seg_step_ms", r.segStepMs())
                    .put("cls_step_ms", r.clsStepMs()).put("iteration_ms", r.iterationMs())
                    .put("inference_ms", r.inferenceMs()).put("peak_rss_mib", r.peakRssMiB())
                    .put("peak_gpu_used_mib", r.peakGpuMiB());
        }
        ObjectNode refNode = root.putObject("reference");
        if (ref.ran()) {
            refNode.put("torch", ref.torch()).put("config", "resnext50").put("seg_step_ms", ref.segStepMs())
                    .put("cls_step_ms", ref.clsStepMs()).put("iteration_ms", ref.segStepMs() + ref.clsStepMs())
                    .put("inference_ms", ref.inferenceMs()).put("peak_rss_mib", ref.peakRssMiB())
                    .put("peak_gpu_allocated_mib", ref.peakGpuAllocatedMiB());
            ours.stream().filter(r -> r.config().equals("resnext50")).findFirst().ifPresent(r -> root
                    .putObject("ratios").put("seg_step", r.segStepMs() / ref.segStepMs())
                    .put("cls_step", r.clsStepMs() / ref.clsStepMs())
                    .put("iteration", r.iterationMs() / (ref.segStepMs() + ref.clsStepMs()))
                    .put("inference", r.inferenceMs() / ref.inferenceMs()));
        } else {
            refNode.put("skipped", ref.skipped());
        }
        return root;
    }

    private void print(PrintWriter out, List<IterationBench.Result> ours, TorchReference.Result ref) {
        out.printf(Locale.ROOT, "paper iteration and one-shot inference, batch 1, %s, %d threads, mean of %d after %d"
                + " warm-up%n", device, o.threads, o.iters, o.warmup);
        out.printf(Locale.ROOT, "%-10s %-17s %5s %12s %9s %9s %12s %12s %9s%n", "config", "backbone", "size",
                "parameters", "seg ms", "cls ms", "iteration ms", "inference ms", "RSS MiB");
        for (IterationBench.Result r : ours) {
            out.printf(Locale.ROOT, "%-10s %-17s %5d %,12d %9.0f %9.0f %12.0f %12.0f %9.0f%n", r.config(), r.backbone(),
                    r.imageSize(), r.parameters(), r.segStepMs(), r.clsStepMs(), r.iterationMs(), r.inferenceMs(),
                    r.peakRssMiB());
        }
        for (IterationBench.Result r : ours) {
            if (r.peakGpuMiB() >= 0) {
                out.printf(Locale.ROOT, "%s: peak GPU memory in use %.0f MiB (cudaMemGetInfo, whole device, cache and"
                        + " context included)%n", r.config(), r.peakGpuMiB());
            }
        }
        if (!ref.ran()) {
            out.println("PyTorch reference skipped: " + ref.skipped());
            return;
        }
        if (ref.peakGpuAllocatedMiB() >= 0) {
            out.printf(Locale.ROOT, "reference: peak GPU memory allocated %.0f MiB (torch.cuda.max_memory_allocated,"
                    + " tensors only)%n", ref.peakGpuAllocatedMiB());
        }
        out.printf(Locale.ROOT, "%-10s %-17s %5d %12s %9.0f %9.0f %12.0f %12.0f %9.0f%n", "reference",
                "torch " + ref.torch(), 512, "", ref.segStepMs(), ref.clsStepMs(), ref.segStepMs() + ref.clsStepMs(),
                ref.inferenceMs(), ref.peakRssMiB());
        ours.stream().filter(r -> r.config().equals("resnext50")).findFirst().ifPresent(r -> out.printf(Locale.ROOT,
                "ratio ours / reference (ResNeXt50 512): segmentation step %.2f, classification step %.2f,"
                        + " iteration %.2f, inference %.2f%n", r.segStepMs() / ref.segStepMs(),
                r.clsStepMs() / ref.clsStepMs(), r.iterationMs() / (ref.segStepMs() + ref.clsStepMs()),
                r.inferenceMs() / ref.inferenceMs()));
    }
}
