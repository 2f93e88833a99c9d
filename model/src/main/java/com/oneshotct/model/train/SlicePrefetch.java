package com.oneshotct.model.train;

import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.ops.SplitMix64;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Reads and decodes the slices of the next iteration while this one runs on the device. The next iteration's draw
 * is known in advance (a copy of the sampler draws it; the sampler itself is not advanced), so prefetching changes
 * neither what is trained on nor a checkpoint's sampler state; a draw that was not prefetched (the first, or after a
 * resume) is loaded on the spot. A slice that does not decode fails the iteration that uses it, as without.
 */
final class SlicePrefetch {
    /** One daemon thread for every trainer: decoding is light beside a step, and it must not hold the JVM open. */
    private static final ExecutorService LOADER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "slice-prefetch");
        t.setDaemon(true);
        return t;
    });

    /** One iteration's draw: the segmentation slice and the classification batch, by index. */
    record Draw(int segmentation, int[] classification) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Draw d && d.segmentation == segmentation
                    && Arrays.equals(d.classification, classification);
        }

        @Override
        public int hashCode() {
            return 31 * segmentation + Arrays.hashCode(classification);
        }
    }

    private final List<SegmentationItem> segmentation;
    private final List<ClassificationItem> classification;
    private Draw ahead;
    private CompletableFuture<SegmentationSample> aheadSegmentation;
    private CompletableFuture<List<GreyImage>> aheadClassification;

    SlicePrefetch(List<SegmentationItem> segmentation, List<ClassificationItem> classification) {
        this.segmentation = segmentation;
        this.classification = classification;
    }

    /** Draws an iteration's slices from {@code rng} (advancing it) in the trainer's order. */
    Draw draw(SplitMix64 rng, int batch) {
        int s = SplitMix64.below(rng, segmentation.size());
        int[] c = new int[batch];
        for (int i = 0; i < batch; i++) {
            c[i] = SplitMix64.below(rng, classification.size());
        }
        return new Draw(s, c);
    }

    /** Starts loading {@code next}'s slices, those parts only that its iteration will use. */
    void prefetch(Draw next, boolean segmentationUsed, boolean classificationUsed) {
        ahead = next;
        aheadSegmentation = segmentationUsed ? CompletableFuture.supplyAsync(() -> load(next), LOADER) : null;
        aheadClassification = classificationUsed
                ? CompletableFuture.supplyAsync(() -> images(next), LOADER) : null;
    }

    /** {@code d}'s segmentation sample: the prefetched one where {@code d} was prefetched, else read now. */
    SegmentationSample segmentation(Draw d) {
        return take(d, aheadSegmentation, () -> load(d));
    }

    /** {@code d}'s classification images, likewise. */
    List<GreyImage> classification(Draw d) {
        return take(d, aheadClassification, () -> images(d));
    }

    /** Forgets what was prefetched (the trainer was restored to another point of its stream). */
    void clear() {
        ahead = null;
        aheadSegmentation = null;
        aheadClassification = null;
    }

    private <T> T take(Draw d, CompletableFuture<T> prefetched, Supplier<T> now) {
        if (prefetched == null || !d.equals(ahead)) {
            return now.get();
        }
        try {
            return prefetched.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private SegmentationSample load(Draw d) {
        return segmentation.get(d.segmentation()).load();
    }

    private List<GreyImage> images(Draw d) {
        return Arrays.stream(d.classification()).mapToObj(i -> classification.get(i).load()).toList();
    }
}
