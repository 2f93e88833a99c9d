package com.oneshotct.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassificationReportTest {
    private static final double TOL = 1e-12;

    /**
     * rows true, columns predicted:
     * <pre>
     *            Normal CP COVID | support
     *   Normal      5    1   0   |   6
     *   CP          2    3   1   |   6
     *   COVID       0    1   4   |   5
     *   predicted   7    5   5      total 17, correct 5+3+4 = 12
     * </pre>
     */
    private static ConfusionMatrix threeClass() {
        int[] truth = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2};
        int[] pred = {0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 2, 1, 2, 2, 2, 2};
        return ConfusionMatrix.of(3, truth, pred);
    }

    @Test
    void confusionMatrixFromArraysEqualsAddedPairs() {
        ConfusionMatrix cm = threeClass();
        long[][] expected = {{5, 1, 0}, {2, 3, 1}, {0, 1, 4}};
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                assertEquals(expected[t][p], cm.count(t, p), "CM[" + t + "," + p + "]");
            }
        }
        assertEquals(17, cm.total());
        assertEquals(12, cm.correct());
        assertEquals(6, cm.support(1));
        assertEquals(7, cm.predicted(0));
        ConfusionMatrix added = new ConfusionMatrix();
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                for (long k = 0; k < expected[t][p]; k++) {
                    added.add(t, p);
                }
            }
        }
        assertEquals(cm, added);
    }

    @Test
    void everyMetricOnAThreeClassCase() {
        ClassificationReport r = ClassificationReport.of(threeClass());
        // sensitivity = diagonal / row sum
        assertEquals(5.0 / 6, r.sensitivity(0), TOL);
        assertEquals(3.0 / 6, r.sensitivity(1), TOL);
        assertEquals(4.0 / 5, r.sensitivity(2), TOL);
        // precision = diagonal / column sum
        assertEquals(5.0 / 7, r.precision(0), TOL);
        assertEquals(3.0 / 5, r.precision(1), TOL);
        assertEquals(4.0 / 5, r.precision(2), TOL);
        // F1 = 2TP / (2TP + FP + FN): Normal 10/(10+2+1), CP 6/(6+2+3), COVID 8/(8+1+1)
        double f0 = 10.0 / 13;
        double f1 = 6.0 / 11;
        double f2 = 8.0 / 10;
        assertEquals(f0, r.f1(0), TOL);
        assertEquals(f1, r.f1(1), TOL);
        assertEquals(f2, r.f1(2), TOL);
        // Normal also as 2PR/(P+R) = 2 (5/7)(5/6) / (5/7 + 5/6) = (50/42) / (65/42) = 10/13
        assertEquals(2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6), r.f1(0), TOL);
        assertEquals(12.0 / 17, r.accuracy(), TOL);
        // all three present: weights sum to 1, the paper's formula unchanged
        assertEquals(0.45 * f0 + 0.35 * f1 + 0.20 * f2, r.weightedF1(), TOL);
        assertEquals((f0 + f1 + f2) / 3, r.macroF1(), TOL);
        assertEquals(6, r.support(0));
        assertEquals(5, r.predicted(2));
    }

    @Test
    void twoClassDataHasNoNaNAndLeavesTheAbsentClassOut() {
        // iCTCF: classes 0 and 2 only. Normal [8, 0, 2], CP [0, 0, 0], COVID [1, 0, 9]
        ConfusionMatrix cm = new ConfusionMatrix();
        add(cm, 0, 0, 8);
        add(cm, 0, 2, 2);
        add(cm, 2, 0, 1);
        add(cm, 2, 2, 9);
        ClassificationReport r = ClassificationReport.of(cm);
        for (int c = 0; c < 3; c++) {
            assertTrue(Double.isFinite(r.sensitivity(c)) && Double.isFinite(r.precision(c))
                    && Double.isFinite(r.f1(c)), "class " + c);
        }
        assertFalse(r.averaged(1));
        assertEquals(0.0, r.sensitivity(1));
        assertEquals(0.0, r.precision(1));
        assertEquals(0, r.support(1));
        // Normal: TP 8, FN 2, FP 1 -> F1 16/19; COVID: TP 9, FN 1, FP 2 -> 18/21
        double fn = 16.0 / 19;
        double fc = 18.0 / 21;
        assertEquals(8.0 / 10, r.sensitivity(0), TOL);
        assertEquals(9.0 / 11, r.precision(2), TOL);
        assertEquals((0.45 * fn + 0.20 * fc) / 0.65, r.weightedF1(), TOL);
        assertEquals((fn + fc) / 2, r.macroF1(), TOL);
        assertEquals(17.0 / 20, r.accuracy(), TOL);
    }

    @Test
    void aClassPredictedButNeverTrueTakesPartWithF1Zero() {
        // Normal [8, 1, 1], CP [0, 0, 0] but predicted once, COVID [0, 0, 10]
        ConfusionMatrix cm = new ConfusionMatrix();
        add(cm, 0, 0, 8);
        add(cm, 0, 1, 1);
        add(cm, 0, 2, 1);
        add(cm, 2, 2, 10);
        ClassificationReport r = ClassificationReport.of(cm);
        assertTrue(r.averaged(1));
        assertEquals(0.0, r.f1(1));
        assertEquals(0.0, r.sensitivity(1)); // no true CP: 0 by rule
        assertEquals(0.0, r.precision(1)); // 0 of 1 CP predictions right
        // Normal: TP 8, FN 2, FP 0 -> 16/18; COVID: TP 10, FP 1, FN 0 -> 20/21
        double fn = 16.0 / 18;
        double fc = 20.0 / 21;
        assertEquals(0.45 * fn + 0.35 * 0 + 0.20 * fc, r.weightedF1(), TOL);
        assertEquals((fn + 0 + fc) / 3, r.macroF1(), TOL);
    }

    @Test
    void aClassNeverPredictedHasPrecisionZeroNotNaN() {
        // Normal [4, 0, 0], CP [2, 0, 1], COVID [0, 0, 3]: CP has support 3, no predictions
        ConfusionMatrix cm = new ConfusionMatrix();
        add(cm, 0, 0, 4);
        add(cm, 1, 0, 2);
        add(cm, 1, 2, 1);
        add(cm, 2, 2, 3);
        ClassificationReport r = ClassificationReport.of(cm);
        assertEquals(0.0, r.precision(1));
        assertEquals(0.0, r.sensitivity(1));
        assertEquals(0.0, r.f1(1));
        assertTrue(r.averaged(1));
        // Normal: TP 4, FP 2 -> 8/10; COVID: TP 3, FP 1 -> 6/7
        assertEquals(0.45 * 0.8 + 0.20 * 6.0 / 7, r.weightedF1(), TOL);
    }

    @Test
    void otherClassCountsNeedTheirOwnWeights() {
        ConfusionMatrix cm = ConfusionMatrix.of(2, new int[] {0, 1, 1}, new int[] {0, 1, 0});
        assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(cm));
        ClassificationReport r = ClassificationReport.of(cm, new double[] {1, 3});
        // class 0: TP 1, FP 1 -> 2/3; class 1: TP 1, FN 1 -> 2/3
        assertEquals((1 * 2.0 / 3 + 3 * 2.0 / 3) / 4, r.weightedF1(), TOL);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(new ConfusionMatrix()));
        ConfusionMatrix cm = new ConfusionMatrix();
        assertThrows(IllegalArgumentException.class, () -> cm.add(3, 0));
        assertThrows(IllegalArgumentException.class, () -> cm.add(0, -1));
        assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(3, new int[] {0, 1}, new int[] {0}));
        cm.add(0, 0);
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.of(cm, new double[] {0.5, 0.5}));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.of(cm, new double[] {0, 1, 1}));
    }

    private static void add(ConfusionMatrix cm, int t, int p, int times) {
        for (int i = 0; i < times; i++) {
            cm.add(t, p);
        }
    }
}
