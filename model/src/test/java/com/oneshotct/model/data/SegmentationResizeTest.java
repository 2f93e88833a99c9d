package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationResizeTest {
    /** Halving by nearest neighbour keeps pixel (2x+1, 2y+1) (centre (x+0.5)*2 = 2x+1); boxes follow the masks. */
    @Test
    void halvingKeepsOddPixelsAndRecomputesBoxes(@TempDir Path dir) {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(2).withSize(64).withCounts(2, 1, 1, 1))
                .write(dir, line -> { });
        SegmentationSample s = SegmentationReader.read(dir.resolve("segmentation")).get(0).load();
        assertSame(s, s.resized(64, 64));
        SegmentationSample half = s.resized(32, 32);
        assertEquals(32, half.image().width());
        List<InstanceMask> big = s.instances();
        int k = 0;
        for (InstanceMask m : big) {
            boolean any = false;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    any |= m.contains(2 * x + 1, 2 * y + 1);
                }
            }
            if (!any) {
                continue;
            }
            InstanceMask h = half.instances().get(k++);
            assertEquals(m.instance().label(), h.instance().label());
            int x1 = 32;
            int y1 = 32;
            int x2 = 0;
            int y2 = 0;
            int area = 0;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean want = m.contains(2 * x + 1, 2 * y + 1);
                    assertEquals(want, h.contains(x, y));
                    if (want) {
                        x1 = Math.min(x1, x);
                        y1 = Math.min(y1, y);
                        x2 = Math.max(x2, x + 1);
                        y2 = Math.max(y2, y + 1);
                        area++;
                    }
                }
            }
            assertEquals(new Box(x1, y1, x2, y2), h.instance().box());
            assertEquals(area, h.instance().area());
        }
        assertEquals(k, half.instances().size());
        assertTrue(k > 0);
        // bilinear halving with align_corners=False averages each 2x2 block: (a + b + c + d) / 4, rounded
        int a = s.image().get(0, 0);
        int b = s.image().get(1, 0);
        int c = s.image().get(0, 1);
        int d = s.image().get(1, 1);
        assertEquals(Math.round((a + b + c + d) / 4f), half.image().get(0, 0));
    }
}
