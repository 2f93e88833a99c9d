package com.oneshotct.worker.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.ClassificationReader;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.SegmentationReader;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.infer.OneShotPredictor;
import com.oneshotct.model.nn.Detections;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.ops.SplitMix64;
import com.oneshotct.model.train.Adam;
import com.oneshotct.model.train.ClassificationStep;
import com.oneshotct.model.train.SegmentationStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Times the paper's iteration as the trainer runs it (a segmentation step and a classification step on one shared
 * Adam, each on its own synthetic slice) and one whole one-shot inference ({@link OneShotPredictor}: segmentation and
 * classification from one pass), batch 1, random weights, after warm-up. On a GPU each timed call ends by reading a
 * value back from the device, so the time covers the kernels it queued.
 */
public final class IterationBench {
    /**
     * Figures of one configuration; peak RSS is the process's high-water mark while it ran (reset before it, see
     * {@link PeakMemory#resetSelf()}; where the kernel does not allow that, the mark of everything run before too);
     * peak GPU memory is the most in use on the device (cudaMemGetInfo, read after each phase: libtorch's cached
     * blocks and the CUDA context included), -1 on the CPU.
     */
    public record Result(String config, String backbone, int imageSize, String device, long parameters,
            double segStepMs, double clsStepMs, double inferenceMs, double peakRssMiB, double peakGpuMiB) {
        public double iterationMs() {
            return segStepMs + clsStepMs;
        }
    }

    private IterationBench() {}

    public static Result run(String label, ModelConfig config, Device device, int warmup, int iters,
            Consumer<String> progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("oneshot-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            new SyntheticCt(SyntheticCt.Options.defaults().withSize(config.imageSize()).withCounts(1, 1, 3, 3))
                    .write(dir, line -> { });
            SegmentationSample seg = SegmentationReader.read(dir.resolve("segmentation")).stream()
                    .filter(i -> !i.instances().isEmpty()).findFirst().orElseThrow().load();
            ClassificationItem cls = ClassificationReader.read(dir.resolve("classification")).get(0);
            GreyImage clsImage = cls.load();
            Engine.getInstance().setRandomSeed(0);
            PeakMemory.resetSelf();
            try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
                OneShotNet net = new OneShotNet(config);
                net.initialize(manager);
                Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                List<NDArray> shared = new ArrayList<>();
                for (NDArray p : net.segmentationParameters()) {
                    if (seen.add(p)) {
                        shared.add(p);
                    }
                }
                for (NDArray p : net.classificationParameters()) {
                    if (seen.add(p)) {
                        shared.add(p);
                    }
                }
                Adam adam = Adam.paper(shared, manager);
                SegmentationStep segStep = new SegmentationStep(net, manager, adam, new SplitMix64(0));
                ClassificationStep clsStep = new ClassificationStep(net, manager, adam);
                Runnable sync = () -> {
                    if (device.isGpu()) {
                        try (NDManager sub = manager.newSubManager()) {
                            sub.zeros(new Shape(1)).toFloatArray();
                        }
                    }
                };
                double[] gpu = {-1};
                Runnable sample = () -> gpu[0] = Math.max(gpu[0], PeakMemory.ofGpu(device));
                double segMs = SegStepBench.time(warmup, iters, () -> {
                    segStep.run(seg);
                    sync.run();
                }, label + " segmentation step", progress);
                sample.run();
                double clsMs = SegStepBench.time(warmup, iters, () -> {
                    clsStep.run(clsImage, cls.label());
                    sync.run();
                }, label + " classification step", progress);
                sample.run();
                // as the reference's inference: torchvision's detection defaults with up to 128 detections
                OneShotPredictor predictor = new OneShotPredictor(net, new Detections(0.05, 0.5, 128, 0.01f));
                double inferMs = SegStepBench.time(warmup, iters, () -> {
                    predictor.predict(manager, seg.image());
                    sync.run();
                }, label + " one-shot inference", progress);
                sample.run();
                return new Result(label, config.backbone().id(), config.imageSize(), device.toString(),
                        net.parameterCount(), segMs, clsMs, inferMs, PeakMemory.ofSelf(), gpu[0]);
            }
        } finally {
            SegStepBench.deleteTree(dir);
        }
    }
}
