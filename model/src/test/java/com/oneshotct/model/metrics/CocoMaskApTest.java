package com.oneshotct.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.oneshotct.model.data.Box;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CocoMaskApTest {
    // precision is TP / (TP + FP + 2.2e-16) in pycocotools: exact to far below this
    private static final double TOL = 1e-12;
    private static final int H = 10;
    private static final int W = 10;
    private static final List<CocoImage> ONE_IMAGE = List.of(new CocoImage(1, W, H));

    private static BinaryMask box(int x1, int y1, int x2, int y2) {
        return BinaryMask.of(H, W, new Box(x1, y1, x2, y2));
    }

    private static CocoAnnotation gt(long id, int cat, BinaryMask m) {
        return new CocoAnnotation(id, 1, cat, m, false);
    }

    private static CocoDetection det(int cat, double score, BinaryMask m) {
        return new CocoDetection(1, cat, score, m);
    }

    @Test
    void thresholdsAreNumpysLinspace() {
        double[] t = CocoMaskAp.iouThresholds();
        assertEquals(10, t.length);
        assertEquals(0.5, t[0]);
        assertEquals(0.75, t[5]); // the summary's AP75 looks it up by equality
        assertEquals(0.8999999999999999, t[8]); // as np.linspace(.5, .95, 10) gives it, not 0.9
        assertEquals(0.95, t[9]);
        double[] r = CocoMaskAp.recallThresholds();
        assertEquals(101, r.length);
        assertEquals(0.5, r[50]);
        assertEquals(1.0, r[100]);
    }

    @Test
    void perfectDetectionGivesOne() {
        BinaryMask m = box(2, 2, 7, 6);
        CocoApResult r = CocoMaskAp.evaluate(CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, m))),
                List.of(det(1, 0.9, m)));
        assertEquals(1.0, r.ap(), TOL);
        assertEquals(1.0, r.ap50(), TOL);
        assertEquals(1.0, r.ap75(), TOL);
    }

    @Test
    void falsePositiveRankedAboveATruePositive() {
        BinaryMask m = box(0, 0, 4, 4);
        // by score: FP, TP -> tp [0, 1], fp [1, 1]; recall [0, 1], precision [0, 1/2] -> monotone [1/2, 1/2]
        // every recall threshold r finds index 0 (r = 0) or 1 (r > 0): precision 1/2 at all 101 -> AP 0.5
        CocoApResult r = CocoMaskAp.evaluate(CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, m))),
                List.of(det(1, 0.8, m), det(1, 0.9, box(6, 6, 9, 9))));
        assertEquals(0.5, r.ap(), TOL);
        assertEquals(0.5, r.ap50(), TOL);
    }

    @Test
    void interpolatedAtOneHundredOneRecallPoints() {
        BinaryMask a = box(0, 0, 3, 3);
        BinaryMask b = box(6, 6, 9, 9);
        // 2 GTs; by score TP, FP, TP: tp [1, 1, 2], fp [0, 1, 1]; recall [.5, .5, 1], precision [1, .5, 2/3]
        // monotone [1, 2/3, 2/3]; r = 0.00 .. 0.50 (51 points) -> index 0 -> 1; r = 0.51 .. 1 (50) -> index 2 -> 2/3
        // AP = (51 * 1 + 50 * 2/3) / 101 = 253/303 at every threshold
        CocoApResult r = CocoMaskAp.evaluate(
                CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, a), gt(2, 1, b))),
                List.of(det(1, 0.9, a), det(1, 0.8, box(0, 6, 3, 9)), det(1, 0.7, b)));
        assertEquals(253.0 / 303, r.ap(), TOL);
        assertEquals(253.0 / 303, r.ap75(), TOL);
    }

    @Test
    void iouEqualToTheThresholdMatchesUnlikeThePaper() {
        BinaryMask g = box(0, 0, 4, 1);
        BinaryMask threeQuarters = box(0, 0, 3, 1); // IoU 3/4
        // COCO matches IoU >= t: hit at t = .50 .. .75 (6 of 10 thresholds) -> AP 6/10, AP75 1
        CocoApResult r = CocoMaskAp.evaluate(CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, g))),
                List.of(det(1, 0.9, threeQuarters)));
        assertEquals(0.6, r.ap(), TOL);
        assertEquals(1.0, r.ap75(), TOL);
    }

    @Test
    void categoryWithoutTruthIsLeftOut() {
        BinaryMask m = box(2, 2, 7, 6);
        // categories 1 and 2 listed; only 1 has GT; category 2's detection cannot lower the mean
        CocoGroundTruth gt = new CocoGroundTruth(ONE_IMAGE, List.of(1, 2), List.of(gt(1, 1, m)));
        CocoApResult r = CocoMaskAp.evaluate(gt, List.of(det(1, 0.9, m), det(2, 0.95, box(0, 0, 2, 2))));
        assertEquals(1.0, r.ap(), TOL);
        assertEquals(-1.0, r.perCategory().get(2));
        assertEquals(1.0, r.perCategory().get(1), TOL);
        // no GT at all: -1 as pycocotools' summary prints it
        CocoApResult none = CocoMaskAp.evaluate(new CocoGroundTruth(ONE_IMAGE, List.of(1), List.of()),
                List.of(det(1, 0.9, m)));
        assertEquals(-1.0, none.ap());
        assertEquals(-1.0, none.ap50());
    }

    @Test
    void crowdRegionsAreIgnored() {
        BinaryMask a = box(0, 0, 3, 3);
        BinaryMask crowdRegion = box(4, 4, 10, 10); // 36 px
        BinaryMask insideCrowd = box(5, 5, 7, 7); // 4 px: IoU 4/36 by union, but 4/4 = 1 against a crowd
        List<CocoDetection> dets = List.of(det(1, 0.95, insideCrowd), det(1, 0.93, box(8, 8, 10, 10)),
                det(1, 0.9, a));
        CocoGroundTruth withCrowd = CocoGroundTruth.of(ONE_IMAGE,
                List.of(gt(1, 1, a), new CocoAnnotation(2, 1, 1, crowdRegion, true)));
        // both high-scored detections match the crowd region (it can be matched many times) and are ignored:
        // the only counted detection is the TP -> AP 1
        assertEquals(1.0, CocoMaskAp.evaluate(withCrowd, dets).ap(), TOL);
        // without the crowd region they are two FPs above the TP: precision [0, 0, 1/3] -> monotone 1/3 -> AP 1/3
        CocoGroundTruth without = CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, a)));
        assertEquals(1.0 / 3, CocoMaskAp.evaluate(without, dets).ap(), TOL);
        // only crowd GT in a category: nothing to recall, the category is left out
        CocoGroundTruth onlyCrowd = CocoGroundTruth.of(ONE_IMAGE,
                List.of(new CocoAnnotation(2, 1, 1, crowdRegion, true)));
        assertEquals(-1.0, CocoMaskAp.evaluate(onlyCrowd, dets).ap());
    }

    @Test
    void onlyTheHundredBestDetectionsPerImageCount() {
        BinaryMask m = box(0, 0, 2, 2);
        BinaryMask miss = box(7, 7, 10, 10);
        // 99 FPs scored above the TP: the TP is the 100th -> precision at the end 1/100, monotone -> AP 0.01
        assertEquals(0.01, CocoMaskAp.evaluate(CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, m))),
                withFalsePositives(99, m, miss)).ap(), TOL);
        // 100 FPs: the TP is the 101st and dropped -> no TP -> AP 0
        assertEquals(0.0, CocoMaskAp.evaluate(CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, m))),
                withFalsePositives(100, m, miss)).ap(), TOL);
    }

    private static List<CocoDetection> withFalsePositives(int n, BinaryMask hit, BinaryMask miss) {
        List<CocoDetection> d = new ArrayList<>();
        d.add(det(1, 0.1, hit));
        for (int i = 0; i < n; i++) {
            d.add(det(1, 0.5 + i * 1e-3, miss));
        }
        return d;
    }

    @Test
    void equalScoresKeepTheirInputOrder() {
        BinaryMask m = box(0, 0, 4, 4);
        BinaryMask miss = box(6, 6, 9, 9);
        CocoGroundTruth gt = CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, m)));
        // FP first: as the FP-above-TP case, 0.5
        assertEquals(0.5, CocoMaskAp.evaluate(gt, List.of(det(1, 0.5, miss), det(1, 0.5, m))).ap(), TOL);
        // TP first: tp [1, 1], fp [0, 1]; recall [1, 1], precision [1, 1/2]; every r finds index 0 -> AP 1
        assertEquals(1.0, CocoMaskAp.evaluate(gt, List.of(det(1, 0.5, m), det(1, 0.5, miss))).ap(), TOL);
    }

    @Test
    void detectionsAreMatchedAcrossImagesByScore() {
        List<CocoImage> two = List.of(new CocoImage(1, W, H), new CocoImage(2, W, H));
        BinaryMask m = box(0, 0, 4, 4);
        CocoGroundTruth gt = CocoGroundTruth.of(two,
                List.of(gt(1, 1, m), new CocoAnnotation(2, 2, 1, m, false)));
        // image 1: TP .9; image 2: FP .8, TP .7 -> by score TP, FP, TP: as the 101-point case, 253/303
        List<CocoDetection> dets = List.of(det(1, 0.9, m), new CocoDetection(2, 1, 0.8, box(6, 6, 9, 9)),
                new CocoDetection(2, 1, 0.7, m));
        assertEquals(253.0 / 303, CocoMaskAp.evaluate(gt, dets).ap(), TOL);
    }

    @Test
    void detectionsOnUnknownImagesAreRefused() {
        BinaryMask m = box(0, 0, 4, 4);
        CocoGroundTruth gt = CocoGroundTruth.of(ONE_IMAGE, List.of(gt(1, 1, m)));
        assertThrows(IllegalArgumentException.class,
                () -> CocoMaskAp.evaluate(gt, List.of(new CocoDetection(9, 1, 0.5, m))));
        assertThrows(IllegalArgumentException.class,
                () -> CocoMaskAp.evaluate(gt, List.of(det(1, 0.5, BinaryMask.empty(3, 3)))));
    }
}
