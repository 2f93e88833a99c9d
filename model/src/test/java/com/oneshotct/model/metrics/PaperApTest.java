package com.oneshotct.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.Box;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaperApTest {
    private static final double TOL = 1e-12;
    private static final int H = 10;
    private static final int W = 10;

    private static BinaryMask box(int x1, int y1, int x2, int y2) {
        return BinaryMask.of(H, W, new Box(x1, y1, x2, y2));
    }

    private static MaskPrediction pred(int label, double score, BinaryMask m) {
        return new MaskPrediction(label, score, m);
    }

    private static MaskTruth gt(int label, BinaryMask m) {
        return new MaskTruth(label, m);
    }

    @Test
    void emptyCases() {
        BinaryMask m = box(0, 0, 3, 3);
        assertEquals(1.0, PaperAp.image(List.of(), List.of(), 0.5));
        assertEquals(0.0, PaperAp.image(List.of(), List.of(gt(2, m)), 0.5));
        assertEquals(0.0, PaperAp.image(List.of(pred(2, 0.9, m)), List.of(), 0.5));
    }

    @Test
    void perfectPrediction() {
        BinaryMask m = box(2, 2, 6, 5);
        assertEquals(1.0, PaperAp.image(List.of(pred(3, 0.7, m)), List.of(gt(3, m)), 0.95));
    }

    @Test
    void iouEqualToTheThresholdDoesNotMatch() {
        BinaryMask g = box(0, 0, 4, 1); // 4 px
        BinaryMask half = box(0, 0, 2, 1); // IoU 2/4 = 0.5 exactly
        BinaryMask threeQuarters = box(0, 0, 3, 1); // IoU 3/4 = 0.75 exactly
        assertEquals(0.0, PaperAp.image(List.of(pred(2, 0.9, half)), List.of(gt(2, g)), 0.5));
        assertEquals(1.0, PaperAp.image(List.of(pred(2, 0.9, half)), List.of(gt(2, g)), 0.49));
        assertEquals(0.0, PaperAp.image(List.of(pred(2, 0.9, threeQuarters)), List.of(gt(2, g)),
                PaperAp.threshold(5)));
        assertEquals(1.0, PaperAp.image(List.of(pred(2, 0.9, threeQuarters)), List.of(gt(2, g)),
                PaperAp.threshold(4)));
    }

    @Test
    void labelMismatchDoesNotMatch() {
        BinaryMask m = box(1, 1, 5, 5);
        BinaryMask near = box(1, 1, 5, 4); // IoU 12/16 = 0.75
        assertEquals(0.0, PaperAp.image(List.of(pred(3, 0.9, m)), List.of(gt(2, m)), 0.5));
        // the GT passes over the better, wrong-label prediction to the right-label one:
        // preds by score [wrong label, IoU 1: miss; right label, IoU 0.75: hit], 1 GT
        // precision [0, 1/2], recall [0, 1] -> padded r [0, 0, 1, 1], p [0, 0, .5, 0] -> monotone [.5, .5, .5, 0]
        // AP = (1 - 0) * 0.5
        assertEquals(0.5, PaperAp.image(List.of(pred(3, 0.9, m), pred(2, 0.8, near)), List.of(gt(2, m)), 0.5),
                TOL);
    }

    @Test
    void aPredictionClaimedByTwoTruthsCountsOnce() {
        BinaryMask big = box(0, 0, 4, 4); // 16 px
        BinaryMask small = box(0, 0, 4, 3); // 12 px, IoU with big = 12/16 = 0.75
        // one prediction = big; GT 1 (big, IoU 1) and GT 2 (small, IoU .75) both claim it
        // precision [1/1], recall [1/2] -> r [0, .5, 1], p [0, 1, 0] -> monotone [1, 1, 0] -> AP = .5 * 1 = 0.5
        List<MaskTruth> truths = List.of(gt(2, big), gt(2, small));
        assertEquals(0.5, PaperAp.image(List.of(pred(2, 0.9, big)), truths, 0.5), TOL);
        // a second prediction equal to GT 2 has the higher IoU for it (1 > .75), so each GT claims its own: AP 1
        assertEquals(1.0, PaperAp.image(List.of(pred(2, 0.9, big), pred(2, 0.5, small)), truths, 0.5), TOL);
        // the same second prediction with a wrong label: GT 2 falls back to the first, claimed twice;
        // hits [T, F]: precision [1, 1/2], recall [1/2, 1/2] -> r [0, .5, .5, 1], p [0, 1, .5, 0]
        // monotone [1, 1, .5, 0]; recall changes at i=1 (.5 * 1) and i=3 (.5 * 0) -> AP = 0.5
        assertEquals(0.5, PaperAp.image(List.of(pred(2, 0.9, big), pred(3, 0.5, small)), truths, 0.5), TOL);
    }

    @Test
    void precisionIsMadeMonotoneBeforeSumming() {
        BinaryMask a = box(0, 0, 3, 3);
        BinaryMask b = box(6, 6, 9, 9);
        BinaryMask elsewhere = box(0, 6, 3, 9);
        // given out of score order on purpose; by score: elsewhere (FP) .9, a (TP) .8, b (TP) .7; 2 GTs
        // precision [0, 1/2, 2/3] (rises: non-monotone), recall [0, 1/2, 1]
        // padded r [0, 0, .5, 1, 1], p [0, 0, .5, 2/3, 0] -> monotone from the right [2/3, 2/3, 2/3, 2/3, 0]
        // AP = (.5 - 0) * 2/3 + (1 - .5) * 2/3 = 2/3   (without the monotone step it would be .25 + 1/3)
        List<MaskPrediction> preds = List.of(pred(2, 0.7, b), pred(2, 0.9, elsewhere), pred(2, 0.8, a));
        assertEquals(2.0 / 3, PaperAp.image(preds, List.of(gt(2, a), gt(2, b)), 0.5), TOL);
    }

    @Test
    void labelFilterChoosesWhatTakesPart() {
        BinaryMask lung = box(0, 0, 5, 10);
        BinaryMask ggo = box(6, 6, 8, 8);
        PaperApImage im = new PaperApImage("a", List.of(pred(1, 0.9, lung)), List.of(gt(1, lung), gt(2, ggo)));
        // all labels: 1 hit of 2 GTs -> r [0, .5, 1], p [0, 1, 0] -> monotone [1, 1, 0] -> AP .5
        assertEquals(0.5, PaperAp.split(List.of(im), 0.5, null), TOL);
        assertEquals(1.0, PaperAp.split(List.of(im), 0.5, Set.of(1)), TOL);
        assertEquals(0.0, PaperAp.split(List.of(im), 0.5, Set.of(2, 3))); // GGO missed
        assertEquals(1.0, PaperAp.split(List.of(im), 0.5, Set.of(3))); // nothing left: no GT, no preds
    }

    @Test
    void splitAveragesImagesAndThresholds() {
        BinaryMask g = box(0, 0, 4, 1);
        BinaryMask threeQuarters = box(0, 0, 3, 1); // IoU .75: hit for t = .50 .. .70, miss for t = .75 .. .95
        BinaryMask m = box(3, 3, 7, 7);
        List<PaperApImage> images = List.of(
                new PaperApImage("perfect", List.of(pred(2, 0.9, m)), List.of(gt(2, m))),
                new PaperApImage("partial", List.of(pred(2, 0.9, threeQuarters)), List.of(gt(2, g))));
        PaperApResult r = PaperAp.evaluate(images, null);
        // per threshold the mean of (1, 1) for the five t < .75 and of (1, 0) for the five t >= .75
        assertEquals(1.0, r.ap50(), TOL);
        assertEquals(0.5, r.ap75(), TOL);
        assertEquals((5 * 1.0 + 5 * 0.5) / 10, r.map(), TOL);
        assertEquals(0.5, PaperAp.split(images, 0.75, null), TOL);
        assertEquals(2, r.images());
        assertEquals(List.of(2), r.labels());
        assertFalse(r.filtered());
        PaperApResult f = PaperAp.evaluate(images, Set.of(3, 2));
        assertEquals(List.of(2, 3), f.labels());
        assertTrue(f.filtered());
    }

    @Test
    void thresholdsAreComputedNotAccumulated() {
        assertEquals(0.5, PaperAp.threshold(0));
        assertEquals(0.75, PaperAp.threshold(5));
        assertEquals(0.5 + 0.05 * 9, PaperAp.threshold(9));
        assertThrows(IllegalArgumentException.class, () -> PaperAp.threshold(10));
    }

    @Test
    void badInputIsRefused() {
        BinaryMask a = box(0, 0, 2, 2);
        BinaryMask other = BinaryMask.empty(5, 5);
        assertThrows(IllegalArgumentException.class,
                () -> PaperAp.image(List.of(pred(2, 0.9, other)), List.of(gt(2, a)), 0.5));
        assertThrows(IllegalArgumentException.class, () -> PaperAp.evaluate(List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> pred(2, Double.NaN, a));
    }
}
