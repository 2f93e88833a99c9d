package com.oneshotct.model.train;

import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.nn.GradMode;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.nn.Devices;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.S2Weights;
import com.oneshotct.model.nn.StateDict;
import com.oneshotct.model.ops.SplitMix64;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The paper's training loop (model-spec section 6): each iteration draws one segmentation and one classification
 * image (in that order, from one {@link SplitMix64} sampler), runs a {@link SegmentationStep} and then a
 * {@link ClassificationStep}, both on one shared {@link Adam} over the union of their parameters; each step updates
 * only its own parameters (PyTorch skips parameters without a gradient), so their step counts differ.
 *
 * <p>s2 weights: under {@link S2Weights#COPY} the segmentation heads are copied into the s2 heads in every
 * segmentation step whose summed loss is below the previous iteration's (the first step counts as a fall, from
 * +infinity, so the classification branch never sees the s2 heads' random init once training starts). As in the
 * authors' {@code train.py}, the copy is taken after the backward pass and before the optimiser step: the s2 heads
 * get the weights whose loss was just measured. Under {@link S2Weights#OWN} nothing is copied.
 *
 * <p>With {@link TrainConfig#clsBatch()} above 1 the iteration draws that many classification images (the first
 * where a batch of one would draw its image, the others after it) and runs them as one classification step.
 *
 * <p>Segmentation warm-up ({@link TrainConfig#segWarmup()}): during the first iterations only the segmentation step
 * runs (the classification image is still drawn, so the sampler's sequence does not depend on the warm-up). The
 * classification branch sees the image only through the 16 RoIs the s2 heads pick: with an untrained detector they
 * land anywhere and the classification loss stays at the class prior (measured on the synthetic data;
 * docs/learning.md). A warm-up lets the detector put the RoIs on lesions first.
 *
 * <p>Body pre-training ({@link TrainConfig#pretrain()}): the first iterations run a {@link BodyPretrainStep}
 * instead (drawing the same images as a paper iteration, of which it uses the classification batch); its linear
 * layer is in the shared optimiser under {@link BodyPretrainStep#WEIGHT} and {@link BodyPretrainStep#BIAS}. After
 * it, with {@link TrainConfig#bodyLrScale()} below 1, the body learns at that fraction of the rate.
 *
 * <p>Learning rate: constant ({@link TrainConfig#lr()}, the paper), or with {@link TrainConfig#lrDecay()} set, each
 * iteration's rate {@link TrainConfig#lrAt} (cosine decay) for both its steps; with
 * {@link TrainConfig#headLrScale()} below 1 the FPN and classification head move at that fraction of it.
 *
 * <p>Everything an iteration depends on is state a {@link Checkpoint} stores: weights (with BatchNorm running
 * statistics), the optimiser's moments and step counts, the iteration, the sampler's and the steps' random states,
 * and the previous segmentation loss. Deterministic for a seed on CPU at a fixed thread count.
 */
public final class PaperTrainer {
    /** Key of the classification loss in the per-iteration loss map. */
    public static final String CLASSIFICATION = "classification";
    /** Key of the summed segmentation loss in the per-iteration loss map. */
    public static final String SEGMENTATION = "segmentation";
    /** Key of the body pre-training loss, the only entry of a pre-training iteration's loss map. */
    public static final String PRETRAIN = "pretrain";

    /** Progress callbacks, on the training thread. */
    public interface Listener {
        /** After iteration {@code iteration} (1-based) of {@code total}: the five segmentation losses, their sum
         *  ({@link #SEGMENTATION}) and the {@link #CLASSIFICATION} loss (absent during a segmentation warm-up);
         *  during a body pre-training only {@link #PRETRAIN}. */
        void iteration(int iteration, int total, Map<String, Float> losses);

        /** After a checkpoint was written. */
        default void checkpoint(int iteration, Path file, String sha256) {}
    }

    private final TrainConfig config;
    private final OneShotNet net;
    private final List<SegmentationItem> segmentation;
    private final List<ClassificationItem> classification;
    private final List<String> keys;
    private final Adam adam;
    private final SegmentationStep segStep;
    private final ClassificationStep clsStep;
    private final BodyPretrainStep pretrainStep;
    private final List<NDArray> body;
    private boolean bodyScaled;
    private final Stream stepRng;
    private SplitMix64 sampler;
    private final SlicePrefetch prefetch;
    private int iteration;
    private float previousSegLoss = Float.POSITIVE_INFINITY;

    /** A stream the steps hold once; a restore swaps the generator behind it. */
    static final class Stream implements RandomGenerator {
        SplitMix64 inner;

        Stream(SplitMix64 inner) {
            this.inner = inner;
        }

        @Override
        public long nextLong() {
            return inner.nextLong();
        }
    }

    /**
     * A trainer of {@code net} (initialised, of this config's backbone and image size) on the given images. The
     * sampler is seeded with the config's seed, the steps' own sampling with a stream derived from it.
     */
    public PaperTrainer(TrainConfig config, OneShotNet net, NDManager manager, List<SegmentationItem> segmentation,
            List<ClassificationItem> classification) {
        if (net.config().backbone() != config.backbone() || net.config().imageSize() != config.imageSize()
                || net.config().bnMode() != config.bnMode()) {
            throw new IllegalArgumentException("the network is " + net.config().backbone() + " at "
                    + net.config().imageSize() + " px with BatchNorm " + net.config().bnMode()
                    + ", the train config says " + config.backbone() + " at " + config.imageSize() + " px with "
                    + config.bnMode());
        }
        Devices.require(net, manager, "the trainer");
        if (segmentation.isEmpty() || classification.isEmpty()) {
            throw new IllegalArgumentException("training needs segmentation and classification images, got "
                    + segmentation.size() + " and " + classification.size());
        }
        this.config = config;
        this.net = net;
        this.segmentation = List.copyOf(segmentation);
        this.classification = List.copyOf(classification);
        Set<NDArray> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        used.addAll(net.segmentationParameters());
        used.addAll(net.classificationParameters());
        List<StateDict.Entry> trained = StateDict.entries(net).stream()
                .filter(e -> !e.kind().buffer() && used.contains(e.parameter().getArray())).toList();
        List<String> names = new java.util.ArrayList<>(trained.stream().map(StateDict.Entry::key).toList());
        List<NDArray> arrays = new java.util.ArrayList<>(trained.stream().map(e -> e.parameter().getArray()).toList());
        // a seed of its own, so the linear layer's start does not depend on how the sampler is used
        this.pretrainStep = config.pretrain() == 0 ? null
                : new BodyPretrainStep(net, manager, new SplitMix64(config.seed() ^ 0x5052455452414E4EL).nextLong());
        if (pretrainStep != null) {
            pretrainStep.head().forEach((k, a) -> {
                names.add(k);
                arrays.add(a);
            });
        }
        this.keys = List.copyOf(names);
        this.adam = new Adam(arrays, manager, config.lr(), config.beta1(), config.beta2(), config.eps(),
                config.weightDecay());
        if (pretrainStep != null) {
            pretrainStep.use(adam);
        }
        this.body = net.bodyParameters();
        if (config.headLrScale() != 1) {
            adam.setRateScale(net.headParameters(), config.headLrScale());
        }
        this.sampler = new SplitMix64(config.seed());
        this.prefetch = new SlicePrefetch(this.segmentation, this.classification);
        this.stepRng = new Stream(new SplitMix64(new SplitMix64(config.seed()).nextLong()));
        this.segStep = new SegmentationStep(net, manager, adam, stepRng);
        this.clsStep = new ClassificationStep(net, manager, adam);
    }

    /** A network for {@code config}, initialised from the config's seed on {@code manager}. */
    public static OneShotNet newNet(TrainConfig config, NDManager manager) {
        Engine.getInstance().setRandomSeed((int) (config.seed() ^ (config.seed() >>> 32)));
        OneShotNet net = new OneShotNet(config.modelConfig());
        net.initialize(manager);
        return net;
    }

    /** One paper iteration; returns its losses (see {@link Listener#iteration}). */
    public Map<String, Float> step() {
        GradMode.offOnThisThread();
        SlicePrefetch.Draw draw = prefetch.draw(sampler, config.clsBatch());
        List<ClassificationItem> batch = Arrays.stream(draw.classification()).mapToObj(classification::get).toList();
        boolean pretraining = config.pretraining(iteration);
        boolean classifying = pretraining || iteration - config.pretrain() >= config.segWarmup();
        SegmentationSample sample = pretraining ? null : prefetch.segmentation(draw);
        List<GreyImage> images = classifying ? prefetch.classification(draw) : null;
        // the next iteration's slices decode while this one runs; a copy of the sampler draws them
        int next = iteration + 1;
        prefetch.prefetch(prefetch.draw(SplitMix64.fromState(sampler.state()), config.clsBatch()),
                !config.pretraining(next),
                config.pretraining(next) || next - config.pretrain() >= config.segWarmup());
        if (pretraining) {
            adam.setLearningRate(config.rateAt(iteration));
            float loss = pretrainStep.run(images, batch.stream().map(ClassificationItem::label).toList());
            iteration++;
            Map<String, Float> out = new LinkedHashMap<>();
            out.put(PRETRAIN, loss);
            return out;
        }
        if (config.bodyLrScale() != 1 && !bodyScaled) {
            // once per trainer: the scale follows from the config, so a resumed trainer sets it here too
            adam.setRateScale(body, config.bodyLrScale());
            bodyScaled = true;
        }
        if (config.lrDecay() > 0 || config.pretrain() > 0) {
            adam.setLearningRate(config.rateAt(iteration));
        }
        Map<String, Float> losses = new LinkedHashMap<>(segStep.run(sample, this::beforeSegmentationUpdate));
        float seg = sum(losses);
        previousSegLoss = seg;
        losses.put(SEGMENTATION, seg);
        if (classifying) {
            losses.put(CLASSIFICATION, clsStep.run(images, batch.stream().map(ClassificationItem::label).toList()));
        }
        iteration++;
        return losses;
    }

    private void beforeSegmentationUpdate(Map<String, Float> losses) {
        if (net.s2Weights() == S2Weights.COPY && sum(losses) < previousSegLoss) {
            net.copySegmentationHeadsToS2();
        }
    }

    private static float sum(Map<String, Float> losses) {
        float total = 0;
        for (float v : losses.values()) {
            total += v;
        }
        return total;
    }

    /**
     * Runs iterations until the config's count or until {@code stop} answers true (asked before each iteration),
     * calling {@code listener} after each. With a {@code checkpoint} file, writes it every
     * {@link TrainConfig#checkpointInterval()} iterations and once more at the end (or stop) unless just written.
     * Returns the iteration reached.
     */
    public int run(Listener listener, BooleanSupplier stop, Path checkpoint) {
        int saved = -1;
        while (iteration < config.iterations() && !stop.getAsBoolean()) {
            Map<String, Float> losses = step();
            listener.iteration(iteration, config.iterations(), losses);
            if (checkpoint != null && config.checkpointInterval() > 0 && iteration % config.checkpointInterval() == 0) {
                listener.checkpoint(iteration, checkpoint, Checkpoint.save(this, checkpoint));
                saved = iteration;
            }
        }
        if (checkpoint != null && saved != iteration) {
            listener.checkpoint(iteration, checkpoint, Checkpoint.save(this, checkpoint));
        }
        return iteration;
    }

    public TrainConfig config() {
        return config;
    }

    public OneShotNet net() {
        return net;
    }

    /** Iterations done. */
    public int iteration() {
        return iteration;
    }

    Adam adam() {
        return adam;
    }

    /** The body pre-training's linear layer by key (empty without pre-training). */
    Map<String, NDArray> pretrainHead() {
        return pretrainStep == null ? Map.of() : pretrainStep.head();
    }

    /** The body pre-training step (null without pre-training). */
    public BodyPretrainStep pretrainStep() {
        return pretrainStep;
    }

    /** Keys of the optimiser's parameters, in its order: state-dict keys, then the pre-training layer's. */
    List<String> optimizerKeys() {
        return keys;
    }

    long samplerState() {
        return sampler.state();
    }

    long stepRngState() {
        return stepRng.inner.state();
    }

    float previousSegmentationLoss() {
        return previousSegLoss;
    }

    void restore(int iteration, long samplerState, long stepState, float previousSegLoss) {
        this.iteration = iteration;
        this.sampler = SplitMix64.fromState(samplerState);
        prefetch.clear();
        this.stepRng.inner = SplitMix64.fromState(stepState);
        this.previousSegLoss = previousSegLoss;
    }
}
