package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * torchvision's {@code Matcher}: assigns every proposal (column of a G x P quality matrix, usually IoU) the
 * ground-truth row it overlaps most (the first such row on ties), or {@link #BELOW_LOW_THRESHOLD} when that best
 * quality is below {@code low}, or {@link #BETWEEN_THRESHOLDS} when it is in [low, high).
 *
 * <p>With low-quality matches allowed, every proposal that attains some ground truth's highest quality gets its
 * argmax match back even if it fell below the thresholds. As in torchvision this includes the degenerate case of
 * a ground truth whose best quality is 0: then every proposal with quality 0 to it is restored to its own argmax
 * (row 0 when it overlaps nothing). Thresholds are compared in float32, as torch compares a float32 tensor with
 * a Python scalar.
 */
public final class Matcher {
    public static final int BELOW_LOW_THRESHOLD = -1;
    public static final int BETWEEN_THRESHOLDS = -2;

    private final float high;
    private final float low;
    private final boolean allowLowQualityMatches;

    public Matcher(double high, double low, boolean allowLowQualityMatches) {
        if (!(low <= high)) {
            throw new IllegalArgumentException("matcher low threshold " + low + " exceeds high threshold " + high);
        }
        this.high = (float) high;
        this.low = (float) low;
        this.allowLowQualityMatches = allowLowQualityMatches;
    }

    /** The RPN's matcher: foreground at IoU >= 0.7, background below 0.3, low-quality matches kept. */
    public static Matcher rpn() {
        return new Matcher(0.7, 0.3, true);
    }

    /** The RoI heads' matcher: foreground at IoU >= 0.75 (model-spec), background below 0.5, no low-quality. */
    public static Matcher roi() {
        return new Matcher(0.75, 0.5, false);
    }

    /** Matches (P, int64) for a G x P quality matrix. */
    public NDArray match(NDArray quality) {
        Shape s = quality.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("match quality must be a G x P matrix, got " + s);
        }
        long[] m = match(quality.toType(DataType.FLOAT32, false).toFloatArray(), (int) s.get(0), (int) s.get(1));
        return Native.owned(quality.getManager().create(m)).toDevice(quality.getDevice(), false);
    }

    /**
     * Matches (length P) for a row-major G x P quality matrix: a ground-truth index, or one of the two negative
     * codes. G = 0 or P = 0 is an error, as in torchvision; callers give images without ground truth all
     * background themselves.
     */
    public long[] match(float[] quality, int gts, int proposals) {
        if (gts < 0 || proposals < 0 || (long) gts * proposals != quality.length) {
            throw new IllegalArgumentException(String.format(
                    "match quality has %d values, not %d ground truths x %d proposals", quality.length, gts, proposals));
        }
        if (gts == 0) {
            throw new IllegalArgumentException("no ground-truth boxes to match against");
        }
        if (proposals == 0) {
            throw new IllegalArgumentException("no proposal boxes to match");
        }
        long[] argmax = new long[proposals];
        float[] best = new float[proposals];
        for (int p = 0; p < proposals; p++) {
            best[p] = quality[p];
        }
        for (int g = 1; g < gts; g++) {
            for (int p = 0; p < proposals; p++) {
                float q = quality[g * proposals + p];
                if (q > best[p]) {
                    best[p] = q;
                    argmax[p] = g;
                }
            }
        }
        long[] matches = new long[proposals];
        for (int p = 0; p < proposals; p++) {
            if (best[p] < low) {
                matches[p] = BELOW_LOW_THRESHOLD;
            } else if (best[p] < high) {
                matches[p] = BETWEEN_THRESHOLDS;
            } else {
                matches[p] = argmax[p];
            }
        }
        if (allowLowQualityMatches) {
            for (int g = 0; g < gts; g++) {
                float highest = quality[g * proposals];
                for (int p = 1; p < proposals; p++) {
                    highest = Math.max(highest, quality[g * proposals + p]);
                }
                for (int p = 0; p < proposals; p++) {
                    if (quality[g * proposals + p] == highest) {
                        matches[p] = argmax[p];
                    }
                }
            }
        }
        return matches;
    }
}
