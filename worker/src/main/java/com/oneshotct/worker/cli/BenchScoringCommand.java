package com.oneshotct.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.worker.bench.ScoringBench;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot bench scoring}: how fast a CPU worker scores a checkpoint on validation slices, one slice per
 * forward pass against batches, and what a default validation split then costs.
 */
@Command(name = "scoring", mixinStandardHelpOptions = true,
        description = {"Slices per second of checkpoint scoring (the one-shot predictor: classification and lesions"
                + " from one pass, masks pasted), one slice per pass (batch 1) and batched, with peak resident memory,"
                + " for the small configuration and ResNeXt50 at 512x512, random weights; and the minutes a"
                + " validation split of --images images takes.",
            "Progress goes to stderr, the table (or --json) to stdout."})
final class BenchScoringCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--threads", defaultValue = "0",
            description = "libtorch intra-op threads; 0 for every available processor (default)")
    int threads;

    @Option(names = "--rounds", defaultValue = "2",
            description = "timed rounds; in each, every batch size scores as many slices as the largest batch holds"
                    + " (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--configs", split = ",", defaultValue = "small,resnext50",
            description = "small (ResNet18, 256 px) and/or resnext50 (ResNeXt50-32x4d, 512 px)")
    List<String> configs;

    @Option(names = "--batches", split = ",", defaultValue = "1,4,8",
            description = "slices per forward pass; 1 is the one-slice path (default ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--detections", defaultValue = "8",
            description = "detections (masks) kept per slice: random weights pass no real threshold"
                    + " (default ${DEFAULT-VALUE})")
    int detections;

    @Option(names = "--images", defaultValue = "128",
            description = "validation images per checkpoint for the sizing column (default ${DEFAULT-VALUE}:"
                    + " 64 segmentation + 64 classification)")
    int images;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (threads < 0 || rounds < 1 || detections < 1 || images < 1
                || batches.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("bench scoring: --threads >= 0, --rounds, --detections, --images"
                    + " and every --batches >= 1");
        }
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        for (String name : configs) {
            models.put(name, switch (name) {
                case "small" -> ModelConfig.builder().optBackbone("resnet18").optImageSize(256).build();
                case "resnext50" -> ModelConfig.defaults();
                default -> throw new IllegalArgumentException("bench: unknown config '" + name
                        + "' (small, resnext50)");
            });
        }
        // scoring workers use every core: so does the bench, unless told otherwise
        int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(t));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        PrintWriter err = spec.commandLine().getErr();
        List<ScoringBench.Result> results = new ArrayList<>();
        for (var e : models.entrySet()) {
            results.addAll(ScoringBench.run(e.getKey(), e.getValue(), batches, detections, rounds,
                    BenchOptions.progress(err)));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(t, results)));
        } else {
            print(out, t, results);
        }
        out.flush();
        return 0;
    }

    private ObjectNode toJson(int t, List<ScoringBench.Result> results) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("bench", "scoring").put("threads", t).put("rounds", rounds)
                .put("detections_per_slice", detections).put("validation_images", images);
        ArrayNode list = root.putArray("ours");
        for (ScoringBench.Result r : results) {
            list.addObject().put("config", r.config()).put("backbone", r.backbone()).put("image_size", r.imageSize())
                    .put("batch", r.batch()).put("slices", r.slices()).put("seconds", r.seconds())
                    .put("slices_per_second", r.slicesPerSecond())
                    .put("best_round_slices_per_second", r.bestSlicesPerSecond()).put("images_per_minute", r.imagesPerMinute())
                    .put("validation_minutes", images / r.imagesPerMinute()).put("speedup", speedup(results, r))
                    .put("peak_rss_mib", r.peakRssMiB()).put("peak_rss_is_own", r.peakIsOwn());
        }
        return root;
    }

    private void print(PrintWriter out, int t, List<ScoringBench.Result> results) {
        out.printf(Locale.ROOT, "checkpoint scoring, %d threads, %d detections per slice, %d timed rounds after one"
                + " warm-up pass per batch%n", t, detections, rounds);
        out.printf(Locale.ROOT, "%-10s %-17s %5s %5s %7s %9s %9s %8s %10s %12s %9s%n", "config", "backbone", "size",
                "batch", "slices", "slices/s", "best r/s", "speedup", "images/min", images + " images", "RSS MiB");
        for (ScoringBench.Result r : results) {
            out.printf(Locale.ROOT, "%-10s %-17s %5d %5d %7d %9.2f %9.2f %8.2f %10.1f %10.1f m %9.0f%s%n", r.config(),
                    r.backbone(), r.imageSize(), r.batch(), r.slices(), r.slicesPerSecond(), r.bestSlicesPerSecond(),
                    speedup(results, r), r.imagesPerMinute(), images / r.imagesPerMinute(), r.peakRssMiB(),
                    r.peakIsOwn() ? "" : " *");
        }
        if (results.stream().anyMatch(r -> !r.peakIsOwn())) {
            out.println("* peak RSS since the process started: the kernel did not let it be reset");
        }
    }

    /** Rate against the same configuration's batch 1 (the one-slice path); NaN when batch 1 was not timed. */
    private static double speedup(List<ScoringBench.Result> all, ScoringBench.Result r) {
        return all.stream().filter(o -> o.config().equals(r.config()) && o.batch() == 1).findFirst()
                .map(one -> r.slicesPerSecond() / one.slicesPerSecond()).orElse(Double.NaN);
    }
}
