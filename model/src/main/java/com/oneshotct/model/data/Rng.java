package com.oneshotct.model.data;

import java.util.SplittableRandom;

/**
 * The synthetic generator's random source. Every draw is plain arithmetic on {@link SplittableRandom} (whose
 * SplitMix64 algorithm is specified), so the same seed gives the same numbers on every JVM and platform; the
 * generator uses {@link StrictMath} for the same reason.
 */
final class Rng {
    private final SplittableRandom random;

    Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * The seed of one generated item. It depends only on the dataset seed, the item's stream (kind and split) and
     * its index, so an item's content never depends on how many items were generated before it.
     */
    static long itemSeed(long seed, int stream, int index) {
        long h = mix(seed ^ 0x6A09E667F3BCC909L);
        h = mix(h + 0x9E3779B97F4A7C15L * (stream + 1));
        return mix(h + 0xBF58476D1CE4E5B9L * (index + 1L));
    }

    /** The SplitMix64 / MurmurHash3 finaliser: a bijection that spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /** An int in [lo, hi] inclusive. */
    int range(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /**
     * An approximately standard normal number (Irwin-Hall sum of four 16-bit uniforms from one 64-bit draw,
     * rescaled to unit variance): good enough for image noise and much cheaper than a transcendental per pixel.
     */
    double gaussian() {
        long r = random.nextLong();
        long s = (r & 0xFFFF) + ((r >>> 16) & 0xFFFF) + ((r >>> 32) & 0xFFFF) + (r >>> 48);
        return (s / 65536.0 - 2.0) * 1.7320508075688772;
    }
}
