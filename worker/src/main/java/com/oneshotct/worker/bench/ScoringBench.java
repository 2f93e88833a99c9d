package com.oneshotct.worker.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.ClassificationReader;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationReader;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.infer.OneShotPredictor;
import com.oneshotct.model.infer.Prediction;
import com.oneshotct.model.nn.Detections;
import com.oneshotct.model.nn.OneShotNet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Slices per second of checkpoint scoring: the one-shot predictor (segmentation and classification from one pass,
 * masks pasted and thresholded) on synthetic slices of the configured size, one slice per pass (batch 1) or several
 * ({@link OneShotPredictor#predict(NDManager, List)}); random weights.
 *
 * <p>Each batch size first runs one untimed pass, which also gives its peak RSS. Then the batch sizes take turns, in
 * rounds, each scoring as many slices per round as the largest batch holds: a machine shared with other work slows
 * all of them alike, rather than whichever ran while it was busy.
 *
 * <p>Random weights score every candidate near 1/4, so no detection passes the evaluation's 0.75 and the mask head
 * and mask pasting would not run at all. The bench therefore keeps every detection above 0 up to a fixed number per
 * slice: that number is the mask work per slice, as a trained model's lungs and lesions give it.
 */
public final class ScoringBench {
    /**
     * One configuration at one batch size: the slices timed, their seconds, the best round's rate, and the peak RSS
     * of its untimed pass (the process's high-water mark from just before it, when the kernel allows the reset).
     */
    public record Result(String config, String backbone, int imageSize, int batch, int slices, double seconds,
            double bestSlicesPerSecond, double peakRssMiB, boolean peakIsOwn) {
        public double slicesPerSecond() {
            return slices / seconds;
        }

        /** Validation images a worker scores per minute at this rate. */
        public double imagesPerMinute() {
            return slicesPerSecond() * 60;
        }
    }

    private ScoringBench() {}

    /**
     * @param batches batch sizes to time, 1 being the one-slice path
     * @param detections detections kept per slice (score > 0)
     * @param rounds timed rounds; each batch size scores ceil(largest batch / batch) passes a round
     */
    public static List<Result> run(String label, ModelConfig config, List<Integer> batches, int detections,
            int rounds, Consumer<String> progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("oneshot-bench-scoring");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            progress.accept(label + ": writing synthetic slices");
            new SyntheticCt(SyntheticCt.Options.defaults().withSize(config.imageSize()).withCounts(1, 4, 1, 4))
                    .write(dir, line -> { });
            List<GreyImage> slices = new ArrayList<>();
            for (SegmentationItem s : SegmentationReader.read(dir.resolve("segmentation"))) {
                slices.add(s.load().image());
            }
            for (ClassificationItem c : ClassificationReader.read(dir.resolve("classification"))) {
                slices.add(c.load());
            }
            Engine.getInstance().setRandomSeed(0);
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                OneShotNet net = new OneShotNet(config);
                net.initialize(manager);
                OneShotPredictor predictor = new OneShotPredictor(net, new Detections(0.0, 0.5, detections, 0.01f));
                int largest = batches.stream().mapToInt(Integer::intValue).max().orElseThrow();
                int n = batches.size();
                double[] peak = new double[n];
                boolean[] own = new boolean[n];
                for (int i = 0; i < n; i++) {
                    own[i] = PeakMemory.resetSelf();
                    long t = System.nanoTime();
                    pass(predictor, manager, slices, batches.get(i), i);
                    peak[i] = PeakMemory.ofSelf();
                    progress.accept(String.format("%s batch %d: warm-up, %.0f ms, peak RSS %.0f MiB", label,
                            batches.get(i), (System.nanoTime() - t) / 1e6, peak[i]));
                }
                long[] nanos = new long[n];
                int[] done = new int[n];
                double[] best = new double[n];
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < n; i++) {
                        int b = batches.get(i);
                        int passes = (largest + b - 1) / b;
                        long t = System.nanoTime();
                        for (int p = 0; p < passes; p++) {
                            pass(predictor, manager, slices, b, r * passes + p);
                        }
                        long took = System.nanoTime() - t;
                        nanos[i] += took;
                        done[i] += passes * b;
                        best[i] = Math.max(best[i], passes * b / (took / 1e9));
                        progress.accept(String.format("%s batch %d: round %d/%d, %d slices, %.0f ms per slice", label,
                                b, r + 1, rounds, passes * b, took / 1e6 / (passes * b)));
                    }
                }
                List<Result> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    out.add(new Result(label, config.backbone().id(), config.imageSize(), batches.get(i), done[i],
                            nanos[i] / 1e9, best[i], peak[i], own[i]));
                }
                return out;
            }
        } finally {
            SegStepBench.deleteTree(dir);
        }
    }

    /** One pass of {@code batch} slices, the {@code k}-th of its kind (so that passes cycle through the slices). */
    private static void pass(OneShotPredictor predictor, NDManager manager, List<GreyImage> slices, int batch,
            int k) {
        List<GreyImage> part = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            part.add(slices.get((k * batch + i) % slices.size()));
        }
        List<Prediction> p = batch == 1 ? List.of(predictor.predict(manager, part.get(0)))
                : predictor.predict(manager, part);
        if (p.size() != batch) {
            throw new IllegalStateException(p.size() + " predictions for " + batch + " slices");
        }
    }
}
