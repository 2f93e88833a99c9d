package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

class MatcherTest {
    @Test
    void goldenRpnAndRoiMatches() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(manager, "matcher.npz");
            NDArray iou = g.get("iou");
            Golden.assertSameLongs(g.get("rpn"), new Matcher(0.7, 0.3, true).match(iou), "rpn on golden iou");
            Golden.assertSameLongs(g.get("roi"), new Matcher(0.75, 0.5, false).match(iou), "roi on golden iou");
            // The same from boxes, through our own IoU.
            NDArray ours = BoxOps.iou(g.get("gt"), g.get("proposals"));
            Golden.assertSameLongs(g.get("rpn"), Matcher.rpn().match(ours), "rpn on our iou");
            Golden.assertSameLongs(g.get("roi"), Matcher.roi().match(ours), "roi on our iou");
        }
    }

    // Two ground truths (rows) x five proposals (columns), thresholds 0.7 / 0.3:
    //   p0: best 0.9 (gt 0)            -> 0
    //   p1: best 0.6 (gt 1)            -> between -> -2
    //   p2: best 0.25 (gt 1; 0.2 gt 0) -> below   -> -1
    //   p3: best 0.6 (gt 1; 0.5 gt 0)  -> -2
    //   p4: 0.4 for both, argmax takes the first row, gt 0 -> -2
    // Low-quality matches: gt 0's highest is 0.9 (p0 only); gt 1's highest is 0.6, attained by p1 AND p3, so
    // both get their argmax (gt 1) back. p4 attains neither maximum and stays -2.
    private static final float[] TIES = {
        0.9f, 0.5f, 0.2f, 0.5f, 0.4f,
        0.1f, 0.6f, 0.25f, 0.6f, 0.4f};

    @Test
    void thresholdsAndArgmaxTies() {
        assertArrayEquals(new long[] {0, -2, -1, -2, -2}, new Matcher(0.7, 0.3, false).match(TIES, 2, 5));
    }

    @Test
    void lowQualityRestoresEveryProposalAtAGroundTruthsMaximum() {
        assertArrayEquals(new long[] {0, 1, -1, 1, -2}, new Matcher(0.7, 0.3, true).match(TIES, 2, 5));
    }

    @Test
    void argmaxTieGoesToFirstGroundTruthWhenRestored() {
        // Both ground truths peak at 0.5 on p0 alone; p0's argmax over the tie is gt 0, so gt 1 gets no match.
        float[] q = {0.5f, 0.1f, 0.5f, 0.2f};
        assertArrayEquals(new long[] {0, -1}, new Matcher(0.7, 0.3, true).match(q, 2, 2));
    }

    @Test
    void thresholdsAreInclusiveFromBelow() {
        // Exactly 0.7 is foreground (>= high); exactly 0.3 is between (not < low); just below 0.3 is background.
        float[] q = {0.7f, 0.3f, Math.nextDown(0.3f), Math.nextDown(0.7f)};
        assertArrayEquals(new long[] {0, -2, -1, -2}, new Matcher(0.7, 0.3, false).match(q, 1, 4));
    }

    @Test
    void groundTruthWithNoOverlapRestoresZeroQualityProposals() {
        // torchvision's quirk, kept: gt 1 overlaps nothing, so its "highest" quality is 0, and every proposal
        // with 0 quality to it is restored to its own argmax. p1 overlaps nothing either: argmax of (0, 0) is
        // gt 0, so p1 becomes a match of gt 0 although its IoU is 0.
        float[] q = {0.8f, 0f, 0f, 0f};
        assertArrayEquals(new long[] {0, 0}, new Matcher(0.7, 0.3, true).match(q, 2, 2));
        assertArrayEquals(new long[] {0, -1}, new Matcher(0.7, 0.3, false).match(q, 2, 2));
    }

    @Test
    void rejectsEmptyAndInconsistentInput() {
        Matcher m = Matcher.rpn();
        assertThrows(IllegalArgumentException.class, () -> m.match(new float[0], 0, 5));
        assertThrows(IllegalArgumentException.class, () -> m.match(new float[0], 3, 0));
        assertThrows(IllegalArgumentException.class, () -> m.match(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new Matcher(0.3, 0.7, false));
    }
}
