package com.oneshotct.config;

import java.util.List;

/**
 * What the paper trainer does (model-spec section 6). Defaults are the paper's: ResNeXt50, 512 px, Adam lr 1e-5,
 * coupled weight decay 1e-3, betas 0.9/0.999, eps 1e-8.
 *
 * @param backbone body architecture
 * @param imageSize side of the square input images
 * @param iterations paper iterations (one segmentation + one classification step each) of a whole run
 * @param seed seeds the weight initialisation, the image sampler and the steps' sampling
 * @param lr Adam learning rate
 * @param weightDecay coupled L2 weight decay
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param eps Adam's denominator epsilon
 * @param checkpointInterval a checkpoint every this many iterations (0: only at the end or on stop)
 * @param segWarmup the first this many iterations run the segmentation step only (0, the paper: none). The
 *     classification branch reads the RoIs the detector places; while the detector is untrained they are noise
 *     and the classification step does not learn (see {@code PaperTrainer})
 * @param clsBatch images per classification step (1, the paper). More than one runs the backbone on all of them at
 *     once, so its BatchNorm sees a real batch; each image keeps its own 16 RoIs, and the loss is their mean. Under
 *     {@link BnMode#TRAIN_BATCH_EVAL_RUNNING} one attention pass takes all the images' RoIs (its BatchNorm sees them
 *     all); otherwise each image has its own. The segmentation step stays at one image
 * @param bnMode the statistics BatchNorm normalises with ({@link BnMode#BATCH_STATS}, the reference's);
 *     {@link BnMode#TRAIN_BATCH_EVAL_RUNNING} goes with {@code clsBatch} above 1 when training from random weights
 * @param lrDecay 0 (the paper): constant learning rate. D above 0: cosine decay from {@code lr} down to
 *     {@code lr} / {@value #LR_FLOOR_DIVISOR} over iterations 0..D (warm-up ones included; counted from the end
 *     of a {@code pretrain}), that floor after D;
 *     see {@link #lrAt}. A function of the iteration alone, so a resumed run continues it exactly
 * @param headLrScale 1 (the paper): every parameter learns at the same rate. Below 1: the parameters between the
 *     backbone body and the classification loss ({@code OneShotNet.headParameters()}: the
 *     FPN, the attention layer, the two classifiers) learn at the rate times this, in both steps; the body and the
 *     detection heads keep the rate. In a PyTorch mimic (ResNet18 body + FPN + pooling, random weights) 0.1 is what
 *     let the body learn Normal vs COVID-19; our whole network did not reach the accuracy with it
 *     ({@code pretrain} did; docs/learning.md)
 * @param pretrain 0 (the paper): none. P above 0: the first P iterations pre-train the backbone body alone as a
 *     plain image classifier ({@code BodyPretrainStep}: {@code clsBatch} classification images, global average
 *     pooling of C5, a linear layer, the same BCE), the rate cosine-decayed from {@code lr} to
 *     {@code lr} / {@value #LR_FLOOR_DIVISOR} over those P iterations ({@link #rateAt}); the paper's iterations
 *     follow, and {@code segWarmup} and {@code lrDecay} count from the end of the pre-training. A stand-in for the
 *     ImageNet weights the paper starts from: from random weights the classification branch did not learn the
 *     synthetic classes in any recipe tried, from a pre-trained body it does (docs/learning.md)
 * @param bodyLrScale 1 (the paper): the body learns at the rate. Below 1: in the paper's iterations (not during the
 *     pre-training) the backbone body learns at the rate times this, in both steps, so the classification branch
 *     does not wash out what the pre-training gave it
 * @param anchorSizes the RPN's anchor sizes in pixels ({@link ModelConfig#ANCHOR_SIZES}, the reference's; the
 *     authors' large model adds 64 and 128, {@link ModelConfig#LARGE_ANCHOR_SIZES}); the RPN head's shapes and the
 *     parameter count follow the number of sizes
 */
public record TrainConfig(BodyArch backbone, int imageSize, int iterations, long seed, double lr, double weightDecay,
        double beta1, double beta2, double eps, int checkpointInterval, int segWarmup, int clsBatch, BnMode bnMode,
        int lrDecay, double headLrScale, int pretrain, double bodyLrScale, List<Integer> anchorSizes) {
    /** More images than this in one classification step would not fit a GPU at 512 px anyway. */
    public static final int MAX_CLS_BATCH = 64;

    /**
     * Limits against absurd requests, the same as the pipeline input's, so a request that bypasses it (the
     * training activity called directly, {@code oneshot train}) meets them too: 2048 px is four times a CT slice's
     * side, and with a learning rate above 1 the first Adam step moves every weight by about that much.
     */
    public static final int MAX_IMAGE_SIZE = 2048;
    public static final double MAX_LR = 1;
    /** The decayed learning rate never goes below {@code lr} divided by this (Adam needs a rate above 0). */
    public static final int LR_FLOOR_DIVISOR = 100;
    /** The bound on every iteration count ({@code iterations}, {@code lrDecay}, {@code pretrain}, ...). */
    public static final int MAX_ITERATIONS = 10_000_000;
    /** At most this many anchor sizes (the authors' largest set has 7). */
    public static final int MAX_ANCHOR_SIZES = 16;

    /** Every bad field is named, in one message ({@link ConfigException#problems()} lists them). */
    public TrainConfig {
        ConfigException.Problems p = new ConfigException.Problems();
        if (backbone == null) {
            p.add("backbone", "must be set; known: " + BodyArch.ids());
        }
        if (imageSize < ModelConfig.STRIDE || imageSize > MAX_IMAGE_SIZE || imageSize % ModelConfig.STRIDE != 0) {
            p.add("imageSize", "must be a multiple of " + ModelConfig.STRIDE + " between " + ModelConfig.STRIDE
                    + " and " + MAX_IMAGE_SIZE + " (a CT slice is 512), got " + imageSize);
        }
        p.range("iterations", iterations, 0, MAX_ITERATIONS);
        p.above("lr", lr, 0, MAX_LR);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            p.add("weightDecay", "must be at least 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            p.add("beta1", "must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            p.add("beta2", "must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            p.add("eps", "must be positive, got " + eps);
        }
        p.range("checkpointInterval", checkpointInterval, 0, MAX_ITERATIONS);
        p.range("segWarmup", segWarmup, 0, MAX_ITERATIONS);
        p.range("clsBatch", clsBatch, 1, MAX_CLS_BATCH);
        if (bnMode == null) {
            p.add("bnMode", "must be set; known: " + java.util.Arrays.toString(BnMode.values()));
        }
        p.range("lrDecay", lrDecay, 0, MAX_ITERATIONS);
        p.above("headLrScale", headLrScale, 0, 1);
        p.range("pretrain", pretrain, 0, MAX_ITERATIONS);
        p.above("bodyLrScale", bodyLrScale, 0, 1);
        if (anchorSizes == null || anchorSizes.isEmpty() || anchorSizes.size() > MAX_ANCHOR_SIZES
                || anchorSizes.stream().anyMatch(s -> s == null || s <= 0 || s > MAX_IMAGE_SIZE)
                || anchorSizes.stream().distinct().count() != anchorSizes.size()) {
            p.add("anchorSizes", "must be 1 to " + MAX_ANCHOR_SIZES + " distinct whole numbers in 1.." + MAX_IMAGE_SIZE
                    + " (pixels), got " + anchorSizes);
        }
        p.throwIfAny("train config");
        anchorSizes = List.copyOf(anchorSizes);
    }

    /** Whether iteration {@code iteration} (0-based) is a body pre-training step rather than a paper iteration. */
    public boolean pretraining(int iteration) {
        return iteration < pretrain;
    }

    /**
     * The learning rate of iteration {@code iteration} (0-based) of a whole run: during the pre-training a cosine
     * decay from {@code lr} to the floor over its {@code pretrain} iterations; after it {@link #lrAt} of the paper
     * iteration's own index ({@code iteration - pretrain}). Without pre-training exactly {@link #lrAt}.
     */
    public double rateAt(int iteration) {
        if (!pretraining(iteration)) {
            return lrAt(iteration - pretrain);
        }
        double floor = lr / LR_FLOOR_DIVISOR;
        return floor + (lr - floor) * (1 + Math.cos(Math.PI * iteration / pretrain)) / 2;
    }

    /**
     * The learning rate of iteration {@code iteration} (0-based): {@code lr} when {@code lrDecay} is 0, else
     * {@code floor + (lr - floor) * (1 + cos(pi * min(iteration, lrDecay) / lrDecay)) / 2} with
     * {@code floor = lr / LR_FLOOR_DIVISOR}.
     */
    public double lrAt(int iteration) {
        if (lrDecay == 0) {
            return lr;
        }
        double floor = lr / LR_FLOOR_DIVISOR;
        double t = Math.min(Math.max(iteration, 0), lrDecay) / (double) lrDecay;
        return floor + (lr - floor) * (1 + Math.cos(Math.PI * t)) / 2;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The network configuration of this training: the reference's, with this backbone, image size, BN mode and
     * anchor sizes.
     */
    public ModelConfig modelConfig() {
        return ModelConfig.builder().optBackbone(backbone).optImageSize(imageSize).optBnMode(bnMode)
                .optAnchorSizes(anchorSizes).build();
    }

    /**
     * The fields that decide what an iteration computes, one {@code name=value} line each
     * ({@link TrainConfigJson#canonical}); two configurations with the same text train the same weights.
     */
    public String canonical() {
        return TrainConfigJson.canonical(this);
    }

    /** SHA-256 (lower-case hex) of {@link #canonical()}: the config hash of the registry and the checkpoint. */
    public String hash() {
        return TrainConfigJson.sha256(canonical());
    }

    /** Builder with the paper's defaults. */
    public static final class Builder {
        private BodyArch backbone = BodyArch.RESNEXT50_32X4D;
        private int imageSize = 512;
        private int iterations = 1000;
        private long seed = 1;
        private double lr = 1e-5;
        private double weightDecay = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private int checkpointInterval = 0;
        private int segWarmup = 0;
        private int clsBatch = 1;
        private BnMode bnMode = BnMode.BATCH_STATS;
        private int lrDecay = 0;
        private double headLrScale = 1;
        private int pretrain = 0;
        private double bodyLrScale = 1;
        private List<Integer> anchorSizes = ModelConfig.ANCHOR_SIZES;

        private Builder() {}

        public Builder optBackbone(BodyArch v) {
            backbone = v;
            return this;
        }

        /** By id ({@code resnet18}, {@code resnext50_32x4d}, ...); an unknown id is an error naming the known. */
        public Builder optBackbone(String id) {
            backbone = BodyArch.of(id);
            return this;
        }

        public Builder optImageSize(int v) {
            imageSize = v;
            return this;
        }

        public Builder optIterations(int v) {
            iterations = v;
            return this;
        }

        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        public Builder optLr(double v) {
            lr = v;
            return this;
        }

        public Builder optWeightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder optBetas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder optEps(double v) {
            eps = v;
            return this;
        }

        public Builder optCheckpointInterval(int v) {
            checkpointInterval = v;
            return this;
        }

        public Builder optSegWarmup(int v) {
            segWarmup = v;
            return this;
        }

        public Builder optClsBatch(int v) {
            clsBatch = v;
            return this;
        }

        public Builder optBnMode(BnMode v) {
            bnMode = v;
            return this;
        }

        public Builder optLrDecay(int v) {
            lrDecay = v;
            return this;
        }

        public Builder optHeadLrScale(double v) {
            headLrScale = v;
            return this;
        }

        public Builder optPretrain(int v) {
            pretrain = v;
            return this;
        }

        public Builder optBodyLrScale(double v) {
            bodyLrScale = v;
            return this;
        }

        public Builder optAnchorSizes(List<Integer> v) {
            anchorSizes = v;
            return this;
        }

        /** By name ({@code BATCH_STATS}, ...); an unknown name is an error naming the known. */
        public Builder optBnMode(String name) {
            try {
                bnMode = BnMode.valueOf(name);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException("train config", List.of("field 'bnMode' is unknown '" + name + "'; known: "
                        + java.util.Arrays.toString(BnMode.values())));
            }
            return this;
        }

        /** The config; a bad field is an {@link IllegalArgumentException} that names it. */
        public TrainConfig build() {
            return new TrainConfig(backbone, imageSize, iterations, seed, lr, weightDecay, beta1, beta2, eps,
                    checkpointInterval, segWarmup, clsBatch, bnMode, lrDecay, headLrScale, pretrain, bodyLrScale,
                    anchorSizes);
        }
    }
}
