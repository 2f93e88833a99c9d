package com.oneshotct.config;

import java.util.List;

/**
 * Builds a {@link ModelConfig} (DJL style: every setting is optional, {@code opt*}, and starts at the reference's
 * value). {@link #build()} checks the whole configuration and names the bad field.
 */
public final class ModelConfigBuilder {
    private BodyArch backbone = BodyArch.RESNEXT50_32X4D;
    private int imageSize = 512;
    private BnMode bnMode = BnMode.BATCH_STATS;
    private double bnEps = 1e-5;
    private double bnMomentum = 0.1;
    private int fpnChannels = 256;
    private List<Integer> anchorSizes = ModelConfig.ANCHOR_SIZES;
    private List<Double> aspectRatios = List.of(0.1, 0.25, 0.5, 1.0, 1.5, 2.0);
    private int rpnPreNmsTopN = 400;
    private int rpnPostNmsTopN = 200;
    private double rpnNmsThresh = 0.75;
    private double rpnFgIou = 0.7;
    private double rpnBgIou = 0.3;
    private int rpnBatchSize = 256;
    private double rpnPositiveFraction = 0.75;
    private List<Double> rpnBoxWeights = List.of(1.0, 1.0, 1.0, 1.0);
    private double boxClamp = Math.log(1000.0 / 16);
    private int numClasses = 4;
    private int representationSize = 128;
    private int boxPoolSize = 7;
    private int maskPoolSize = 14;
    private int samplingRatio = 2;
    private double roiFgIou = 0.75;
    private double roiBgIou = 0.5;
    private int roiBatchSize = 256;
    private double roiPositiveFraction = 0.5;
    private List<Double> roiBoxWeights = List.of(10.0, 10.0, 5.0, 5.0);
    private double scoreThresh = 0.75;
    private double detNmsThresh = 0.5;
    private int detectionsPerImage = 4;
    private double minBoxSize = 0.01;

    ModelConfigBuilder() {}

    ModelConfigBuilder(ModelConfig c) {
        backbone = c.backbone();
        imageSize = c.imageSize();
        bnMode = c.bnMode();
        bnEps = c.bnEps();
        bnMomentum = c.bnMomentum();
        fpnChannels = c.fpnChannels();
        anchorSizes = c.anchorSizes();
        aspectRatios = c.aspectRatios();
        rpnPreNmsTopN = c.rpnPreNmsTopN();
        rpnPostNmsTopN = c.rpnPostNmsTopN();
        rpnNmsThresh = c.rpnNmsThresh();
        rpnFgIou = c.rpnFgIou();
        rpnBgIou = c.rpnBgIou();
        rpnBatchSize = c.rpnBatchSize();
        rpnPositiveFraction = c.rpnPositiveFraction();
        rpnBoxWeights = c.rpnBoxWeights();
        boxClamp = c.boxClamp();
        numClasses = c.numClasses();
        representationSize = c.representationSize();
        boxPoolSize = c.boxPoolSize();
        maskPoolSize = c.maskPoolSize();
        samplingRatio = c.samplingRatio();
        roiFgIou = c.roiFgIou();
        roiBgIou = c.roiBgIou();
        roiBatchSize = c.roiBatchSize();
        roiPositiveFraction = c.roiPositiveFraction();
        roiBoxWeights = c.roiBoxWeights();
        scoreThresh = c.scoreThresh();
        detNmsThresh = c.detNmsThresh();
        detectionsPerImage = c.detectionsPerImage();
        minBoxSize = c.minBoxSize();
    }

    public ModelConfigBuilder optBackbone(BodyArch v) {
        backbone = v;
        return this;
    }

    /** By torchvision name, e.g. {@code resnet18}. */
    public ModelConfigBuilder optBackbone(String name) {
        backbone = BodyArch.of(name);
        return this;
    }

    public ModelConfigBuilder optImageSize(int v) {
        imageSize = v;
        return this;
    }

    public ModelConfigBuilder optBnMode(BnMode v) {
        bnMode = v;
        return this;
    }

    public ModelConfigBuilder optBnEps(double v) {
        bnEps = v;
        return this;
    }

    public ModelConfigBuilder optBnMomentum(double v) {
        bnMomentum = v;
        return this;
    }

    public ModelConfigBuilder optFpnChannels(int v) {
        fpnChannels = v;
        return this;
    }

    public ModelConfigBuilder optAnchorSizes(List<Integer> v) {
        anchorSizes = v;
        return this;
    }

    public ModelConfigBuilder optAspectRatios(List<Double> v) {
        aspectRatios = v;
        return this;
    }

    public ModelConfigBuilder optRpnPreNmsTopN(int v) {
        rpnPreNmsTopN = v;
        return this;
    }

    public ModelConfigBuilder optRpnPostNmsTopN(int v) {
        rpnPostNmsTopN = v;
        return this;
    }

    public ModelConfigBuilder optRpnNmsThresh(double v) {
        rpnNmsThresh = v;
        return this;
    }

    public ModelConfigBuilder optRpnIou(double fg, double bg) {
        rpnFgIou = fg;
        rpnBgIou = bg;
        return this;
    }

    public ModelConfigBuilder optRpnSampling(int batchSize, double positiveFraction) {
        rpnBatchSize = batchSize;
        rpnPositiveFraction = positiveFraction;
        return this;
    }

    public ModelConfigBuilder optRpnBoxWeights(List<Double> v) {
        rpnBoxWeights = v;
        return this;
    }

    public ModelConfigBuilder optBoxClamp(double v) {
        boxClamp = v;
        return this;
    }

    public ModelConfigBuilder optNumClasses(int v) {
        numClasses = v;
        return this;
    }

    public ModelConfigBuilder optRepresentationSize(int v) {
        representationSize = v;
        return this;
    }

    public ModelConfigBuilder optBoxPoolSize(int v) {
        boxPoolSize = v;
        return this;
    }

    public ModelConfigBuilder optMaskPoolSize(int v) {
        maskPoolSize = v;
        return this;
    }

    public ModelConfigBuilder optSamplingRatio(int v) {
        samplingRatio = v;
        return this;
    }

    public ModelConfigBuilder optRoiIou(double fg, double bg) {
        roiFgIou = fg;
        roiBgIou = bg;
        return this;
    }

    public ModelConfigBuilder optRoiSampling(int batchSize, double positiveFraction) {
        roiBatchSize = batchSize;
        roiPositiveFraction = positiveFraction;
        return this;
    }

    public ModelConfigBuilder optRoiBoxWeights(List<Double> v) {
        roiBoxWeights = v;
        return this;
    }

    public ModelConfigBuilder optScoreThresh(double v) {
        scoreThresh = v;
        return this;
    }

    public ModelConfigBuilder optDetNmsThresh(double v) {
        detNmsThresh = v;
        return this;
    }

    public ModelConfigBuilder optDetectionsPerImage(int v) {
        detectionsPerImage = v;
        return this;
    }

    public ModelConfigBuilder optMinBoxSize(double v) {
        minBoxSize = v;
        return this;
    }

    /** The configuration; an invalid one is an {@link IllegalArgumentException} naming the field. */
    public ModelConfig build() {
        return new ModelConfig(backbone, imageSize, bnMode, bnEps, bnMomentum, fpnChannels, anchorSizes,
                aspectRatios, rpnPreNmsTopN, rpnPostNmsTopN, rpnNmsThresh, rpnFgIou, rpnBgIou, rpnBatchSize,
                rpnPositiveFraction, rpnBoxWeights, boxClamp, numClasses, representationSize, boxPoolSize,
                maskPoolSize, samplingRatio, roiFgIou, roiBgIou, roiBatchSize, roiPositiveFraction, roiBoxWeights,
                scoreThresh, detNmsThresh, detectionsPerImage, minBoxSize);
    }
}
