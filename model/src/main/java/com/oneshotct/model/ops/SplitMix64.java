package com.oneshotct.model.ops;

import java.util.random.RandomGenerator;

/**
 * A seeded random source whose whole state is one {@code long}, so a training checkpoint can store it
 * ({@link #state()}) and a resumed run can continue the exact same stream ({@link #fromState(long)}).
 *
 * <p>The algorithm is SplitMix64 with the golden-ratio increment, the same as {@link java.util.SplittableRandom}'s
 * {@code nextLong()}: {@code new SplitMix64(seed)} yields exactly the longs of {@code new SplittableRandom(seed)}
 * (SplittableRandom itself hides its state, hence this class). Not thread-safe; one per training loop.
 */
public final class SplitMix64 implements RandomGenerator {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /** A stream that starts from {@code seed}. */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** A stream that continues from a state captured by {@link #state()}. */
    public static SplitMix64 fromState(long state) {
        return new SplitMix64(state);
    }

    /** The whole state: everything needed to resume the stream. */
    public long state() {
        return state;
    }

    @Override
    public long nextLong() {
        state += GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A uniform int in [0, bound) drawn from {@code rng.nextLong()} alone, by rejection on the top 31 bits.
     * The JDK's default bounded draws are implementation details that may change between releases; this one is
     * fixed here so that a seed gives the same sample on every JVM.
     */
    public static int below(RandomGenerator rng, int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        while (true) {
            int bits = (int) (rng.nextLong() >>> 33);
            int value = bits % bound;
            // Reject the incomplete last block of 2^31 so every value is equally likely.
            if (bits - value + (bound - 1) >= 0) {
                return value;
            }
        }
    }
}
