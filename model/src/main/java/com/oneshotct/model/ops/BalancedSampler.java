package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code BalancedPositiveNegativeSampler}: from per-element labels (>= 1 positive, 0 negative,
 * anything below 0 ignored) pick at most {@code batchSizePerImage} elements, of which at most
 * {@code int(batchSizePerImage * positiveFraction)} positive; negatives fill the rest as far as they go.
 * Within each set the choice is uniformly random without replacement.
 *
 * <p>Randomness comes from the caller's {@link RandomGenerator}, consumed only through {@code nextLong()} (see
 * {@link SplitMix64#below}), so the same generator state always gives the same sample. Pass a
 * {@link SplitMix64} to be able to checkpoint and resume the stream; torch's own generator is not reproduced.
 */
public final class BalancedSampler {
    private final int batchSizePerImage;
    private final double positiveFraction;

    public BalancedSampler(int batchSizePerImage, double positiveFraction) {
        if (batchSizePerImage <= 0) {
            throw new IllegalArgumentException("sampler batch size must be positive, got " + batchSizePerImage);
        }
        if (!(positiveFraction >= 0 && positiveFraction <= 1)) {
            throw new IllegalArgumentException("sampler positive fraction must be in [0, 1], got " + positiveFraction);
        }
        this.batchSizePerImage = batchSizePerImage;
        this.positiveFraction = positiveFraction;
    }

    /** The RPN's sampler of model-spec section 3: 256 anchors, at most 75 % positive (torchvision: 50 %). */
    public static BalancedSampler rpn() {
        return new BalancedSampler(256, 0.75);
    }

    /** The RoI heads' sampler of model-spec section 4: 256 proposals, at most 50 % positive (torchvision: 25 %). */
    public static BalancedSampler roi() {
        return new BalancedSampler(256, 0.5);
    }

    /**
     * The chosen elements: {@code positive} and {@code negative} each ascending (the order torchvision's
     * {@code torch.where} over its masks yields).
     */
    public record Sample(int[] positive, int[] negative) {
        /** Positives then negatives, the order torchvision's RPN concatenates them in. */
        public int[] all() {
            int[] out = Arrays.copyOf(positive, positive.length + negative.length);
            System.arraycopy(negative, 0, out, positive.length, negative.length);
            return out;
        }

        /** Every chosen index, ascending (the order of torchvision's RoI-head {@code where(pos | neg)}). */
        public int[] sorted() {
            int[] out = all();
            Arrays.sort(out);
            return out;
        }
    }

    /** A sample of the labels of one image (any numeric dtype; matched labels or 1/0/-1 objectness labels). */
    public Sample sample(NDArray labels, RandomGenerator rng) {
        if (labels.getShape().dimension() != 1) {
            throw new IllegalArgumentException("sampler labels must be one-dimensional, got " + labels.getShape());
        }
        return sample(labels.toType(DataType.INT64, false).toLongArray(), rng);
    }

    /** A sample of one image's labels: >= 1 positive, 0 negative, < 0 ignored. */
    public Sample sample(long[] labels, RandomGenerator rng) {
        int[] pos = new int[labels.length];
        int[] neg = new int[labels.length];
        int np = 0;
        int nn = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 1) {
                pos[np++] = i;
            } else if (labels[i] == 0) {
                neg[nn++] = i;
            }
        }
        int numPos = Math.min(np, (int) (batchSizePerImage * positiveFraction));
        int numNeg = Math.min(nn, batchSizePerImage - numPos);
        return new Sample(choose(pos, np, numPos, rng), choose(neg, nn, numNeg, rng));
    }

    /**
     * {@code k} distinct elements of the first {@code n} of {@code pool}, uniformly (the first k steps of a
     * Fisher-Yates shuffle), returned ascending. Reorders {@code pool}.
     */
    private static int[] choose(int[] pool, int n, int k, RandomGenerator rng) {
        for (int i = 0; i < k; i++) {
            int j = i + SplitMix64.below(rng, n - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int[] out = Arrays.copyOf(pool, k);
        Arrays.sort(out);
        return out;
    }
}
