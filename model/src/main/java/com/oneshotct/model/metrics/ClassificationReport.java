package com.oneshotct.model.metrics;

/**
 * The paper's classification metrics (model-spec section 9) on a {@link ConfusionMatrix}, with accuracy and macro
 * F1 beside the paper's class-weighted F1.
 *
 * <p>Rules that keep every value a number (never NaN), following scikit-learn's {@code zero_division=0}:
 * <ul>
 *   <li>sensitivity (recall) of class c = CM[c,c] / row sum; <b>0</b> when the class has no true samples;</li>
 *   <li>precision of class c = CM[c,c] / column sum; <b>0</b> when nothing was predicted as c;</li>
 *   <li>F1 of class c = 2 TP / (2 TP + FP + FN), which equals 2 P R / (P + R) and is <b>0</b> when P + R = 0.</li>
 * </ul>
 * Check {@link #support} and {@link #predicted} to tell a 0 that was measured from one that was not.
 *
 * <p><b>Which classes are averaged.</b> A class <i>takes part</i> when it has true samples or predictions. A class
 * absent from both (class 1, CP, on the 2-class iCTCF data) has no F1 at all, so it is left out of the macro F1
 * and of the weighted F1, whose weights are renormalised over the classes that take part: on iCTCF the weighted
 * F1 is (0.45 F1_Normal + 0.20 F1_COVID) / 0.65. Counting it as F1 = 0 instead would cap any 2-class result at
 * 0.65, which is not what the paper reports (98.41 % on iCTCF). With all three classes present the
 * renormalisation divides by 0.45 + 0.35 + 0.20 = 1, i.e. it is exactly the paper's formula. A class that was
 * predicted but has no true samples does take part, with F1 = 0: those predictions are all wrong.
 */
public final class ClassificationReport {
    /** The paper's F1 weights: Normal 0.45, CP 0.35, COVID 0.20. */
    public static double[] paperWeights() {
        return new double[] {0.45, 0.35, 0.20};
    }

    private final long[][] confusion;
    private final long[] support;
    private final long[] predicted;
    private final double[] sensitivity;
    private final double[] precision;
    private final double[] f1;
    private final boolean[] averaged;
    private final double[] weights;
    private final double accuracy;
    private final double weightedF1;
    private final double macroF1;

    private ClassificationReport(ConfusionMatrix cm, double[] weights) {
        int n = cm.classes();
        if (weights.length != n) {
            throw new IllegalArgumentException(n + " classes but " + weights.length + " F1 weights");
        }
        long total = cm.total();
        if (total == 0) {
            throw new IllegalArgumentException("no samples: the confusion matrix is empty");
        }
        confusion = cm.toArray();
        support = new long[n];
        predicted = new long[n];
        sensitivity = new double[n];
        precision = new double[n];
        f1 = new double[n];
        averaged = new boolean[n];
        this.weights = weights.clone();
        double weightSum = 0;
        double weighted = 0;
        double f1Sum = 0;
        int taking = 0;
        for (int c = 0; c < n; c++) {
            if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
                throw new IllegalArgumentException("F1 weight of class " + c + " must be finite and >= 0, got "
                        + weights[c]);
            }
            long tp = cm.count(c, c);
            support[c] = cm.support(c);
            predicted[c] = cm.predicted(c);
            long fn = support[c] - tp;
            long fp = predicted[c] - tp;
            sensitivity[c] = ratio(tp, support[c]);
            precision[c] = ratio(tp, predicted[c]);
            f1[c] = ratio(2 * tp, 2 * tp + fp + fn);
            averaged[c] = support[c] > 0 || predicted[c] > 0;
            if (averaged[c]) {
                taking++;
                f1Sum += f1[c];
                weightSum += weights[c];
                weighted += weights[c] * f1[c];
            }
        }
        if (weightSum == 0) {
            throw new IllegalArgumentException("the F1 weights of the classes present are all 0");
        }
        accuracy = (double) cm.correct() / total;
        weightedF1 = weighted / weightSum;
        macroF1 = f1Sum / taking;
    }

    /** The report with the paper's weights; the matrix must have the three image classes. */
    public static ClassificationReport of(ConfusionMatrix cm) {
        if (cm.classes() != 3) {
            throw new IllegalArgumentException("the paper's F1 weights are for 3 classes; this matrix has "
                    + cm.classes() + ": give the weights");
        }
        return new ClassificationReport(cm, paperWeights());
    }

    /** The report with the given per-class F1 weights (one per class, >= 0). */
    public static ClassificationReport of(ConfusionMatrix cm, double[] weights) {
        return new ClassificationReport(cm, weights);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / (double) den;
    }

    public int classes() {
        return support.length;
    }

    /** CM[t, p]: samples of true class t predicted as p. */
    public long confusion(int truth, int predictedClass) {
        return confusion[truth][predictedClass];
    }

    /** A copy of the confusion matrix, {@code [true][predicted]}. */
    public long[][] confusionMatrix() {
        long[][] out = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            out[i] = confusion[i].clone();
        }
        return out;
    }

    /** Recall of class c: CM[c,c] / row sum, 0 when the class has no true samples. */
    public double sensitivity(int c) {
        return sensitivity[c];
    }

    /** CM[c,c] / column sum, 0 when nothing was predicted as c. */
    public double precision(int c) {
        return precision[c];
    }

    /** F1 of class c, 0 when TP = 0. */
    public double f1(int c) {
        return f1[c];
    }

    /** True samples of class c (row sum). */
    public long support(int c) {
        return support[c];
    }

    /** Samples predicted as class c (column sum). */
    public long predicted(int c) {
        return predicted[c];
    }

    /** Whether class c takes part in the macro and weighted F1 (it has true samples or predictions). */
    public boolean averaged(int c) {
        return averaged[c];
    }

    /** The F1 weight given to class c (before renormalisation). */
    public double weight(int c) {
        return weights[c];
    }

    /** Correct / total. */
    public double accuracy() {
        return accuracy;
    }

    /** The paper's class-weighted F1, weights renormalised over the classes that take part. */
    public double weightedF1() {
        return weightedF1;
    }

    /** Unweighted mean of the F1 of the classes that take part. */
    public double macroF1() {
        return macroF1;
    }
}
