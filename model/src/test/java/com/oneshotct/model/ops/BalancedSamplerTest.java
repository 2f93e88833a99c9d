package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BalancedSamplerTest {
    /** 1000 labels: every 10th positive (100, labels 1..3), every 10th + 5 ignored (-1), the rest negative. */
    private static long[] labels() {
        long[] l = new long[1000];
        for (int i = 0; i < l.length; i++) {
            l[i] = i % 10 == 0 ? 1 + (i / 10) % 3 : i % 10 == 5 ? -1 : 0;
        }
        return l;
    }

    @Test
    void countsFollowTheFraction() {
        long[] l = labels();
        // 256 * 0.25 = 64 positives (100 available), 256 - 64 = 192 negatives (800 available).
        BalancedSampler.Sample s = new BalancedSampler(256, 0.25).sample(l, new SplitMix64(1));
        assertEquals(64, s.positive().length);
        assertEquals(192, s.negative().length);
        // 256 * 0.75 = 192 positives wanted but only 100 exist; negatives fill to 256: 156.
        s = BalancedSampler.rpn().sample(l, new SplitMix64(1));
        assertEquals(100, s.positive().length);
        assertEquals(156, s.negative().length);
        // int(10 * 0.35) = 3 positives (truncation, as Python's int()), 7 negatives.
        s = new BalancedSampler(10, 0.35).sample(l, new SplitMix64(1));
        assertEquals(3, s.positive().length);
        assertEquals(7, s.negative().length);
    }

    @Test
    void tooFewOfBothTakesEverything() {
        long[] l = {1, 0, -1, 2, 0, -2};
        BalancedSampler.Sample s = new BalancedSampler(256, 0.5).sample(l, new SplitMix64(3));
        assertArrayEquals(new int[] {0, 3}, s.positive());
        assertArrayEquals(new int[] {1, 4}, s.negative());
        assertArrayEquals(new int[] {0, 3, 1, 4}, s.all());
        assertArrayEquals(new int[] {0, 1, 3, 4}, s.sorted());
    }

    @Test
    void chosenElementsComeFromTheirSetWithoutDuplicates() {
        long[] l = labels();
        for (long seed = 0; seed < 20; seed++) {
            BalancedSampler.Sample s = new BalancedSampler(128, 0.5).sample(l, new SplitMix64(seed));
            for (int i : s.positive()) {
                assertTrue(l[i] >= 1, "positive " + i + " has label " + l[i]);
            }
            for (int i : s.negative()) {
                assertEquals(0, l[i], "negative " + i);
            }
            int[] all = s.sorted();
            assertEquals(all.length, Arrays.stream(all).distinct().count(), "duplicates with seed " + seed);
            assertEquals(128, all.length);
        }
    }

    @Test
    void sameSeedSameSampleAndResumableState() {
        long[] l = labels();
        BalancedSampler sampler = BalancedSampler.roi();
        BalancedSampler.Sample a = sampler.sample(l, new SplitMix64(42));
        BalancedSampler.Sample b = sampler.sample(l, new SplitMix64(42));
        assertArrayEquals(a.positive(), b.positive());
        assertArrayEquals(a.negative(), b.negative());
        BalancedSampler.Sample c = sampler.sample(l, new SplitMix64(43));
        assertFalse(Arrays.equals(a.negative(), c.negative()), "different seeds gave the same negatives");

        // A checkpoint stores state() mid-stream; a generator rebuilt from it continues identically.
        SplitMix64 rng = new SplitMix64(7);
        sampler.sample(l, rng);
        long saved = rng.state();
        BalancedSampler.Sample next = sampler.sample(l, rng);
        BalancedSampler.Sample resumed = sampler.sample(l, SplitMix64.fromState(saved));
        assertArrayEquals(next.positive(), resumed.positive());
        assertArrayEquals(next.negative(), resumed.negative());
    }

    @Test
    void everyElementIsAboutEquallyLikely() {
        // 20 negatives, choose 5, 4000 times: each is chosen 1000 times in expectation (binomial sd ~ 27).
        long[] l = new long[20];
        int[] hits = new int[20];
        SplitMix64 rng = new SplitMix64(11);
        BalancedSampler sampler = new BalancedSampler(5, 0);
        for (int t = 0; t < 4000; t++) {
            for (int i : sampler.sample(l, rng).negative()) {
                hits[i]++;
            }
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(Math.abs(hits[i] - 1000) < 150, "element " + i + " chosen " + hits[i] + " times");
        }
    }

    @Test
    void ndArrayLabelsOfAnyDtype() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // RPN labels are float 1 / 0 / -1.
            float[] f = {1, 0, -1, 0, 1};
            BalancedSampler.Sample s = new BalancedSampler(4, 0.5).sample(manager.create(f), new SplitMix64(5));
            assertArrayEquals(new int[] {0, 4}, s.positive());
            assertArrayEquals(new int[] {1, 3}, s.negative());
        }
    }

    @Test
    void splitMixMatchesSplittableRandom() {
        // SplittableRandom's nextLong() is specified SplitMix64; ours must give the same stream.
        SplittableRandom jdk = new SplittableRandom(-123456789L);
        SplitMix64 ours = new SplitMix64(-123456789L);
        for (int i = 0; i < 100; i++) {
            assertEquals(jdk.nextLong(), ours.nextLong());
        }
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new BalancedSampler(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new BalancedSampler(256, 1.5));
        assertThrows(IllegalArgumentException.class, () -> SplitMix64.below(new SplitMix64(1), 0));
    }
}
