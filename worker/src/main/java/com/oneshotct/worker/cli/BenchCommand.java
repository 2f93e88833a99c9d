package com.oneshotct.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.worker.bench.SegStepBench;
import com.oneshotct.worker.bench.TorchReference;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code oneshot bench}: measured figures beside the PyTorch reference, run in the same command. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {BenchCommand.SegStep.class, BenchIterationCommand.class, BenchScoringCommand.class},
        description = "Benchmarks, each beside its reference, run in the same command: the model's against PyTorch on"
                + " the same threads; in the dev jar also the platform's (pipeline, fetch, resume) on the embedded"
                + " stack.")
public class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a benchmark, e.g. 'bench segstep'");
    }

    @Command(name = "segstep", mixinStandardHelpOptions = true,
            description = {"Milliseconds per segmentation training step (forward, five losses, backward, Adam) and per "
                    + "segmentation inference, and peak resident memory, for the small configuration and ResNeXt50 at "
                    + "512x512; then ../shared/bench/torch_reference.py on the same threads, and the ratios.",
                "Progress goes to stderr, the table (or --json) to stdout."})
    static final class SegStep implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        BenchOptions o;

        @Override
        public Integer call() throws Exception {
            o.apply();
            PrintWriter err = spec.commandLine().getErr();
            List<SegStepBench.Result> ours = new ArrayList<>();
            for (var e : o.models().entrySet()) {
                ours.add(SegStepBench.run(e.getKey(), e.getValue(), o.warmup, o.iters, BenchOptions.progress(err)));
            }
            TorchReference.Result ref = o.reference(BenchOptions.progress(err));
            PrintWriter out = spec.commandLine().getOut();
            if (o.json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(ours, ref)));
            } else {
                printTable(out, ours, ref);
            }
            out.flush();
            return 0;
        }

        private ObjectNode toJson(List<SegStepBench.Result> ours, TorchReference.Result ref) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("threads", o.threads).put("iters", o.iters).put("warmup", o.warmup);
            ArrayNode list = root.putArray("ours");
            for (SegStepBench.Result r : ours) {
                list.addPOJO(r);
            }
            ObjectNode refNode = root.putObject("reference");
            if (ref.ran()) {
                refNode.put("torch", ref.torch()).put("config", "resnext50").put("seg_step_ms", ref.segStepMs())
                        .put("cls_step_ms", ref.clsStepMs()).put("inference_ms", ref.inferenceMs())
                        .put("inference_scope", "whole one-shot pass (segmentation + classification)")
                        .put("peak_rss_mib", ref.peakRssMiB());
                ours.stream().filter(r -> r.config().equals("resnext50")).findFirst().ifPresent(r -> root
                        .putObject("ratios").put("seg_step", r.stepMs() / ref.segStepMs()));
            } else {
                refNode.put("skipped", ref.skipped());
            }
            return root;
        }

        private void printTable(PrintWriter out, List<SegStepBench.Result> ours, TorchReference.Result ref) {
            out.printf("segmentation step and inference, batch 1, %d threads, mean of %d after %d warm-up%n", o.threads,
                    o.iters, o.warmup);
            out.printf("%-10s %-17s %5s %12s %10s %12s %14s%n", "config", "backbone", "size", "parameters", "step ms",
                    "inference ms", "peak RSS MiB");
            for (SegStepBench.Result r : ours) {
                out.printf("%-10s %-17s %5d %,12d %10.0f %12.0f %14.0f%n", r.config(), r.backbone(), r.imageSize(),
                        r.parameters(), r.stepMs(), r.inferenceMs(), r.peakRssMiB());
            }
            if (!ref.ran()) {
                out.println("PyTorch reference skipped: " + ref.skipped());
                return;
            }
            out.printf("reference  PyTorch %s, ResNeXt50 512 (whole one-shot model): segmentation step %.0f ms,"
                    + " classification step %.0f ms, inference (segmentation + classification) %.0f ms, peak RSS"
                    + " %.0f MiB%n", ref.torch(), ref.segStepMs(), ref.clsStepMs(), ref.inferenceMs(), ref.peakRssMiB());
            ours.stream().filter(r -> r.config().equals("resnext50")).findFirst().ifPresent(r -> out.printf(
                    "ratio ours / reference, segmentation step: %.2f (inference not compared: ours is the"
                            + " segmentation half only, %.0f ms)%n", r.stepMs() / ref.segStepMs(), r.inferenceMs()));
        }
    }
}
