package com.oneshotct.worker.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.Preprocess;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationReader;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.nn.Detections;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.SegmentationInference;
import com.oneshotct.model.ops.SplitMix64;
import com.oneshotct.model.train.Adam;
import com.oneshotct.model.train.SegmentationStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Times our segmentation training step (forward, five losses, backward, Adam) and our segmentation inference on one
 * synthetic slice of the configured size, batch 1, after warm-up; random weights, as the PyTorch reference uses.
 */
public final class SegStepBench {
    /** One configuration's figures; peak RSS is the process's high-water mark after this configuration ran. */
    public record Result(String config, String backbone, int imageSize, long parameters, double stepMs,
            double inferenceMs, double peakRssMiB) {}

    private SegStepBench() {}

    public static Result run(String label, ModelConfig config, int warmup, int iters, Consumer<String> progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("oneshot-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            new SyntheticCt(SyntheticCt.Options.defaults().withSize(config.imageSize()).withCounts(1, 1, 3, 3))
                    .write(dir, line -> { });
            SegmentationItem item = SegmentationReader.read(dir.resolve("segmentation")).stream()
                    .filter(i -> !i.instances().isEmpty()).findFirst().orElseThrow();
            SegmentationSample sample = item.load();
            Engine.getInstance().setRandomSeed(0);
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                OneShotNet net = new OneShotNet(config);
                net.initialize(manager);
                SegmentationStep step = new SegmentationStep(net, manager,
                        Adam.paper(net.segmentationParameters(), manager),
                        new SplitMix64(0));
                double stepMs = time(warmup, iters, () -> step.run(sample), label + " training step", progress);
                // as the reference's inference: torchvision's detection defaults with up to 128 detections
                SegmentationInference inference = new SegmentationInference(net, new Detections(0.05, 0.5, 128, 0.01f));
                Preprocess pre = new Preprocess(config.imageSize(), config.imageSize());
                double inferMs = time(warmup, iters, () -> {
                    try (NDManager sub = manager.newSubManager()) {
                        inference.apply(new ParameterStore(sub, false), pre.apply(sub, sample.image()).expandDims(0));
                    }
                }, label + " inference", progress);
                return new Result(label, config.backbone().id(), config.imageSize(), net.parameterCount(), stepMs,
                        inferMs, PeakMemory.ofSelf());
            }
        } finally {
            deleteTree(dir);
        }
    }

    static double time(int warmup, int iters, Runnable body, String what, Consumer<String> progress) {
        for (int i = 0; i < warmup; i++) {
            progress.accept(what + ": warm-up " + (i + 1) + "/" + warmup);
            body.run();
        }
        long total = 0;
        for (int i = 0; i < iters; i++) {
            long t = System.nanoTime();
            body.run();
            total += System.nanoTime() - t;
            progress.accept(String.format("%s: %d/%d, %.0f ms", what, i + 1, iters, (System.nanoTime() - t) / 1e6));
        }
        return total / 1e6 / iters;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
