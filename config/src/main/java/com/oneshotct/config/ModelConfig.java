package com.oneshotct.config;

import java.util.List;
import java.util.Objects;

/**
 * Every setting of the one-shot model's segmentation half, with the reference's values as defaults
 * (model-spec sections 1-4). Immutable; build with {@link #builder()} ({@code opt*} setters, every field has a
 * default) or take {@link #defaults()}. Blocks read what they need from it; the glue (proposals, sampling, losses,
 * post-processing) reads the rest.
 *
 * <p>Detections: the reference evaluated with score threshold 0.75 and at most 4 detections per image, which are
 * the defaults here; torchvision's own defaults (0.05, 100) are what {@code oneshot_forward.npz} used.
 *
 * @param backbone body architecture
 * @param imageSize side of the square input; a multiple of 32 so that the one feature map is imageSize / 32
 * @param bnMode statistics the backbone's BatchNorm normalises with (reference: batch statistics)
 * @param bnEps BatchNorm epsilon (PyTorch 1e-5)
 * @param bnMomentum BatchNorm momentum in PyTorch's sense: running = (1 - m) running + m batch (0.1)
 * @param fpnChannels channels of the FPN output and of every head's input (256)
 * @param anchorSizes anchor sizes in pixels ({@link #ANCHOR_SIZES}; the authors' large model:
 *     {@link #LARGE_ANCHOR_SIZES}); the RPN head has one objectness and four deltas per size and aspect ratio
 * @param aspectRatios anchor aspect ratios h / w (0.1, 0.25, 0.5, 1, 1.5, 2)
 * @param rpnPreNmsTopN proposals kept by objectness before NMS (400)
 * @param rpnPostNmsTopN proposals kept after NMS (200)
 * @param rpnNmsThresh RPN NMS IoU threshold (0.75)
 * @param rpnFgIou anchor IoU at or above which it is foreground (0.7)
 * @param rpnBgIou anchor IoU below which it is background (0.3)
 * @param rpnBatchSize anchors sampled per image for the RPN loss (256)
 * @param rpnPositiveFraction largest share of positives among them (0.75)
 * @param rpnBoxWeights box-coder weights of the RPN (1, 1, 1, 1)
 * @param boxClamp largest dw, dh before exp when decoding (log(1000 / 16))
 * @param numClasses classes of the box and mask predictors, background included (4)
 * @param representationSize width of the box head's two fully connected layers (128)
 * @param boxPoolSize RoIAlign output side for the box head (7)
 * @param maskPoolSize RoIAlign output side for the mask head (14); masks are twice that (28)
 * @param samplingRatio RoIAlign sampling ratio on the feature map (2)
 * @param roiFgIou proposal IoU at or above which it is foreground (0.75)
 * @param roiBgIou proposal IoU below which it is background (0.5)
 * @param roiBatchSize proposals sampled per image for the box loss (256)
 * @param roiPositiveFraction largest share of positives among them (0.5)
 * @param roiBoxWeights box-coder weights of the box head (10, 10, 5, 5)
 * @param scoreThresh detections need a class score above this (reference evaluation 0.75)
 * @param detNmsThresh per-class NMS IoU threshold of the detections (0.5)
 * @param detectionsPerImage most detections kept per image (reference evaluation 4)
 * @param minBoxSize detections narrower or lower than this are dropped (0.01)
 */
public record ModelConfig(
        BodyArch backbone,
        int imageSize,
        BnMode bnMode,
        double bnEps,
        double bnMomentum,
        int fpnChannels,
        List<Integer> anchorSizes,
        List<Double> aspectRatios,
        int rpnPreNmsTopN,
        int rpnPostNmsTopN,
        double rpnNmsThresh,
        double rpnFgIou,
        double rpnBgIou,
        int rpnBatchSize,
        double rpnPositiveFraction,
        List<Double> rpnBoxWeights,
        double boxClamp,
        int numClasses,
        int representationSize,
        int boxPoolSize,
        int maskPoolSize,
        int samplingRatio,
        double roiFgIou,
        double roiBgIou,
        int roiBatchSize,
        double roiPositiveFraction,
        List<Double> roiBoxWeights,
        double scoreThresh,
        double detNmsThresh,
        int detectionsPerImage,
        double minBoxSize) {
    /** The reference's anchor sizes: 5 sizes x 6 ratios = 30 anchors per location. */
    public static final List<Integer> ANCHOR_SIZES = List.of(2, 4, 8, 16, 32);
    /** The authors' {@code eval.py}: "for the large model add sizes=64,128" (42 anchors per location). */
    public static final List<Integer> LARGE_ANCHOR_SIZES = List.of(2, 4, 8, 16, 32, 64, 128);


    /** The backbone's total stride: the only feature map is C5. */
    public static final int STRIDE = 32;

    public ModelConfig {
        anchorSizes = copy("anchorSizes", anchorSizes);
        aspectRatios = copy("aspectRatios", aspectRatios);
        rpnBoxWeights = copy("rpnBoxWeights", rpnBoxWeights);
        roiBoxWeights = copy("roiBoxWeights", roiBoxWeights);
        // In a compact constructor the names below are the arguments: fields are assigned after this body.
        if (backbone == null) {
            throw bad("backbone", "must be set; known: " + BodyArch.ids());
        }
        if (bnMode == null) {
            throw bad("bnMode", "must be set");
        }
        if (imageSize < STRIDE || imageSize % STRIDE != 0) {
            throw bad("imageSize", "must be a positive multiple of " + STRIDE + ", got " + imageSize);
        }
        positive("bnEps", bnEps);
        fraction("bnMomentum", bnMomentum);
        positive("fpnChannels", fpnChannels);
        if (anchorSizes.isEmpty() || anchorSizes.stream().anyMatch(s -> s <= 0)) {
            throw bad("anchorSizes", "must be positive and not empty, got " + anchorSizes);
        }
        if (aspectRatios.isEmpty() || aspectRatios.stream().anyMatch(r -> !(r > 0))) {
            throw bad("aspectRatios", "must be positive and not empty, got " + aspectRatios);
        }
        positive("rpnPostNmsTopN", rpnPostNmsTopN);
        if (rpnPreNmsTopN < rpnPostNmsTopN) {
            throw bad("rpnPreNmsTopN", "must be at least rpnPostNmsTopN (" + rpnPostNmsTopN + "), got "
                    + rpnPreNmsTopN);
        }
        fraction("rpnNmsThresh", rpnNmsThresh);
        thresholds("rpnBgIou", rpnBgIou, "rpnFgIou", rpnFgIou);
        positive("rpnBatchSize", rpnBatchSize);
        fraction("rpnPositiveFraction", rpnPositiveFraction);
        weights("rpnBoxWeights", rpnBoxWeights);
        positive("boxClamp", boxClamp);
        if (numClasses < 2) {
            throw bad("numClasses", "must be at least 2 (background and one class), got " + numClasses);
        }
        positive("representationSize", representationSize);
        positive("boxPoolSize", boxPoolSize);
        positive("maskPoolSize", maskPoolSize);
        positive("samplingRatio", samplingRatio);
        thresholds("roiBgIou", roiBgIou, "roiFgIou", roiFgIou);
        positive("roiBatchSize", roiBatchSize);
        fraction("roiPositiveFraction", roiPositiveFraction);
        weights("roiBoxWeights", roiBoxWeights);
        if (!(scoreThresh >= 0 && scoreThresh < 1)) {
            throw bad("scoreThresh", "must be in [0, 1), got " + scoreThresh);
        }
        fraction("detNmsThresh", detNmsThresh);
        positive("detectionsPerImage", detectionsPerImage);
        if (!(minBoxSize >= 0)) {
            throw bad("minBoxSize", "must be at least 0, got " + minBoxSize);
        }
    }

    public static ModelConfig defaults() {
        return builder().build();
    }

    public static ModelConfigBuilder builder() {
        return new ModelConfigBuilder();
    }

    /** A builder holding this configuration's values, to change a few. */
    public ModelConfigBuilder toBuilder() {
        return new ModelConfigBuilder(this);
    }

    /** Side of the one feature map (16 for 512). */
    public int featureSize() {
        return imageSize / STRIDE;
    }

    /** RoIAlign's spatial scale on the feature map (1/32). */
    public double spatialScale() {
        return 1.0 / STRIDE;
    }

    /** Anchors per feature-map location: sizes x ratios (30). */
    public int anchorsPerLocation() {
        return anchorSizes.size() * aspectRatios.size();
    }

    /** Side of the predicted masks (28). */
    public int maskSize() {
        return 2 * maskPoolSize;
    }

    private static <T> List<T> copy(String field, List<T> list) {
        if (list == null || list.stream().anyMatch(Objects::isNull)) {
            throw bad(field, "must be a list without nulls, got " + list);
        }
        return List.copyOf(list);
    }

    private static IllegalArgumentException bad(String field, String problem) {
        return new IllegalArgumentException("model config: " + field + " " + problem);
    }

    private static void positive(String field, double v) {
        if (!(v > 0)) {
            throw bad(field, "must be positive, got " + v);
        }
    }

    /** In (0, 1]. */
    private static void fraction(String field, double v) {
        if (!(v > 0 && v <= 1)) {
            throw bad(field, "must be in (0, 1], got " + v);
        }
    }

    private static void thresholds(String lowField, double low, String highField, double high) {
        fraction(highField, high);
        if (!(low >= 0 && low <= high)) {
            throw bad(lowField, "must be in [0, " + highField + " = " + high + "], got " + low);
        }
    }

    private static void weights(String field, List<Double> w) {
        if (w.size() != 4 || w.stream().anyMatch(x -> !(x > 0))) {
            throw bad(field, "must be 4 positive numbers (wx, wy, ww, wh), got " + w);
        }
    }
}
