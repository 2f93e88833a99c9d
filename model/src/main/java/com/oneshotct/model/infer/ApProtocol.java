package com.oneshotct.model.infer;

import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.nn.Detections;
import java.util.Locale;

/**
 * Which detections take part in segmentation AP: at most {@code maxDetections} per image, each with a class score
 * above {@code scoreThreshold} (class-wise NMS and the smallest box as the model's config says).
 *
 * <p>{@link #AUTHORS} is the authors' mask-AP protocol (model-spec section 4: COVID-Single-Shot-Model
 * {@code evaluation_seg_branch.py} and COVID-CT-Mask-Net {@code evaluation_mean_ap.py} keep up to 128 detections at
 * score > 0.75). The 4 detections of the LSTM repository's {@code eval.py} belong to its classification evaluation,
 * whose detections are discarded; it is the model's display default ({@link #DISPLAY}: {@code predict} and the
 * report's overlays, a readable picture), and what this project's AP used before it took the authors' protocol.
 */
public record ApProtocol(int maxDetections, double scoreThreshold) {
    public static final ApProtocol AUTHORS = new ApProtocol(128, 0.75);
    /** {@link ModelConfig}'s default {@code detectionsPerImage} and {@code scoreThresh}. */
    public static final ApProtocol DISPLAY = new ApProtocol(4, 0.75);

    public ApProtocol {
        if (maxDetections <= 0) {
            throw new IllegalArgumentException("maxDetections must be positive, got " + maxDetections);
        }
        if (!(scoreThreshold >= 0 && scoreThreshold < 1)) {
            throw new IllegalArgumentException("scoreThreshold must be in [0, 1), got " + scoreThreshold);
        }
    }

    /** The authors' protocol with whichever of the two overrides is given (null keeps the authors' value). */
    public static ApProtocol of(Integer maxDetections, Double scoreThreshold) {
        return new ApProtocol(maxDetections == null ? AUTHORS.maxDetections : maxDetections,
                scoreThreshold == null ? AUTHORS.scoreThreshold : scoreThreshold);
    }

    /** The detection settings that implement this protocol for a model. */
    public Detections detections(ModelConfig c) {
        return new Detections(scoreThreshold, c.detNmsThresh(), maxDetections, (float) c.minBoxSize());
    }

    /** "at most 128 detections per image, score > 0.75": printed beside every AP figure. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "at most %d detections per image, score > %s", maxDetections,
                trim(scoreThreshold));
    }

    /** "128 det. > 0.75", for table cells. */
    public String shortLabel() {
        return String.format(Locale.ROOT, "%d det. > %s", maxDetections, trim(scoreThreshold));
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
