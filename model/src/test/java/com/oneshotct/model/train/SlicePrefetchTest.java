package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.DataException;
import com.oneshotct.model.ops.SplitMix64;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlicePrefetchTest {
    /** A prefetched draw is served from the prefetch; any other is read on the spot. */
    @Test
    void theNextDrawIsReadAheadAndOthersOnTheSpot(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        SlicePrefetch p = new SlicePrefetch(data.segmentation, data.classification);
        SplitMix64 rng = new SplitMix64(7);
        SlicePrefetch.Draw d = p.draw(SplitMix64.fromState(rng.state()), 2);
        assertEquals(d, p.draw(rng, 2), "a copy of the sampler draws what the sampler will");
        p.prefetch(d, true, true);
        assertSame(p.segmentation(d), p.segmentation(d), "served from the prefetch, not read twice");
        assertSame(p.classification(d), p.classification(d));
        SlicePrefetch.Draw other = new SlicePrefetch.Draw((d.segmentation() + 1) % data.segmentation.size(),
                new int[] {0});
        assertNotSame(p.segmentation(other), p.segmentation(other));
        org.junit.jupiter.api.Assertions.assertArrayEquals(data.segmentation.get(other.segmentation()).load().image().pixels(),
                p.segmentation(other).image().pixels());
        p.clear();
        assertNotSame(p.segmentation(d), p.segmentation(d));
    }

    /** A slice that fails to read fails the iteration that uses it, with the reader's own error. */
    @Test
    void aBrokenSliceFailsWhereItIsUsed(@TempDir Path dir) throws Exception {
        TrainData data = new TrainData(dir.resolve("data"));
        SlicePrefetch p = new SlicePrefetch(data.segmentation, data.classification);
        SlicePrefetch.Draw d = new SlicePrefetch.Draw(0, new int[] {0});
        Files.write(data.classification.get(0).image(), new byte[] {1, 2, 3});
        p.prefetch(d, false, true);
        DataException e = assertThrows(DataException.class, () -> p.classification(d));
        assertTrue(e.getMessage().contains(data.classification.get(0).image().getFileName().toString()),
                e.getMessage());
    }
}
