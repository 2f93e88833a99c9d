package com.oneshotct.config;

import java.util.ArrayList;
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
    /** The pipeline input's bound on iteration counts, also the bound on {@code lrDecay}. */
    public static final int MAX_LR_DECAY = 10_000_000;
    /** At most this many anchor sizes (the authors' largest set has 7). */
    public static final int MAX_ANCHOR_SIZES = 16;

    /** Every bad field is named, in one message. */
    public TrainConfig {
        List<String> problems = new ArrayList<>();
        if (backbone == null) {
            problems.add("backbone must be set; known: " + BodyArch.ids());
        } else {
            // ModelConfig knows what an image size must be; ask it rather than repeat the rule.
            try {
                ModelConfig.builder().optBackbone(backbone).optImageSize(imageSize).build();
            } catch (IllegalArgumentException e) {
                problems.add("imageSize " + e.getMessage());
            }
        }
        if (imageSize > MAX_IMAGE_SIZE) {
            problems.add("imageSize must be at most " + MAX_IMAGE_SIZE + " (a CT slice is 512), got " + imageSize);
        }
        if (iterations < 0) {
            problems.add("iterations must be at least 0, got " + iterations);
        }
        if (!(lr > 0 && lr <= MAX_LR)) {
            problems.add("lr must be above 0 and at most " + MAX_LR + ", got " + lr);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            problems.add("weightDecay must be at least 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            problems.add("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            problems.add("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0)) {
            problems.add("eps must be positive, got " + eps);
        }
        if (checkpointInterval < 0) {
            problems.add("checkpointInterval must be at least 0, got " + checkpointInterval);
        }
        if (segWarmup < 0) {
            problems.add("segWarmup must be at least 0, got " + segWarmup);
        }
        if (clsBatch < 1 || clsBatch > MAX_CLS_BATCH) {
            problems.add("clsBatch must be 1.." + MAX_CLS_BATCH + ", got " + clsBatch);
        }
        if (bnMode == null) {
            problems.add("bnMode must be set; known: " + java.util.Arrays.toString(BnMode.values()));
        }
        if (lrDecay < 0 || lrDecay > MAX_LR_DECAY) {
            problems.add("lrDecay must be 0 (constant) or an iteration count up to " + MAX_LR_DECAY + ", got " + lrDecay);
        }
        if (!(headLrScale > 0 && headLrScale <= 1)) {
            problems.add("headLrScale must be above 0 and at most 1, got " + headLrScale);
        }
        if (pretrain < 0 || pretrain > MAX_LR_DECAY) {
            problems.add("pretrain must be 0 (none) or an iteration count up to " + MAX_LR_DECAY + ", got " + pretrain);
        }
        if (!(bodyLrScale > 0 && bodyLrScale <= 1)) {
            problems.add("bodyLrScale must be above 0 and at most 1, got " + bodyLrScale);
        }
        if (anchorSizes == null || anchorSizes.isEmpty() || anchorSizes.size() > MAX_ANCHOR_SIZES
                || anchorSizes.stream().anyMatch(s -> s == null || s <= 0 || s > MAX_IMAGE_SIZE)
                || anchorSizes.stream().distinct().count() != anchorSizes.size()) {
            problems.add("anchorSizes must be 1.." + MAX_ANCHOR_SIZES + " distinct sizes in 1.." + MAX_IMAGE_SIZE
                    + " px, got " + anchorSizes);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("train config: " + String.join("; ", problems));
        }
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
     * The fields that decide what an iteration computes, in a fixed textual form (for the checkpoint's config
     * hash). {@code iterations} and {@code checkpointInterval} are left out: they say when to stop and save, not
     * what iteration k does, so a run may be resumed with a longer horizon. {@code segWarmup}, {@code clsBatch},
     * {@code lrDecay}, {@code headLrScale}, {@code pretrain}, {@code bodyLrScale} and {@code anchorSizes} appear only
     * when not the paper's, so checkpoints written before they existed keep their hash.
     */
    public String canonical() {
        return "backbone=" + backbone.name() + ";imageSize=" + imageSize + ";seed=" + seed + ";lr=" + lr
                + ";weightDecay=" + weightDecay + ";beta1=" + beta1 + ";beta2=" + beta2 + ";eps=" + eps
                + (segWarmup == 0 ? "" : ";segWarmup=" + segWarmup) + (clsBatch == 1 ? "" : ";clsBatch=" + clsBatch)
                + (lrDecay == 0 ? "" : ";lrDecay=" + lrDecay) + (headLrScale == 1 ? "" : ";headLrScale=" + headLrScale)
                + (pretrain == 0 ? "" : ";pretrain=" + pretrain) + (bodyLrScale == 1 ? "" : ";bodyLrScale=" + bodyLrScale)
                + (anchorSizes.equals(ModelConfig.ANCHOR_SIZES) ? "" : ";anchorSizes=" + anchorSizes);
    }

    private static IllegalArgumentException bad(String field, String problem) {
        return new IllegalArgumentException("train config: " + field + " " + problem);
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
                throw bad("bnMode", "unknown '" + name + "'; known: " + java.util.Arrays.toString(BnMode.values()));
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
