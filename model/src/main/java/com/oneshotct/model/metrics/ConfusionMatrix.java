package com.oneshotct.model.metrics;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs: rows are the true class, columns the predicted class, as in
 * model-spec section 9. Class ids are {@code 0 .. classes-1}; the default is the three image classes
 * (0 Normal, 1 CP, 2 COVID).
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    /** An empty 3-class matrix. */
    public ConfusionMatrix() {
        this(3);
    }

    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a confusion matrix needs at least one class, got " + classes);
        }
        counts = new long[classes][classes];
    }

    /** A matrix over {@code classes} classes from parallel arrays of true and predicted class ids. */
    public static ConfusionMatrix of(int classes, int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true classes but " + predicted.length
                    + " predictions");
        }
        ConfusionMatrix cm = new ConfusionMatrix(classes);
        for (int i = 0; i < truth.length; i++) {
            cm.add(truth[i], predicted[i]);
        }
        return cm;
    }

    /** Counts one sample. */
    public void add(int truth, int predicted) {
        check(truth, "true");
        check(predicted, "predicted");
        counts[truth][predicted]++;
    }

    public int classes() {
        return counts.length;
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    /** Samples whose true class is {@code c}: the row sum (the class's support). */
    public long support(int c) {
        long s = 0;
        for (long v : counts[c]) {
            s += v;
        }
        return s;
    }

    /** Samples predicted as {@code c}: the column sum. */
    public long predicted(int c) {
        long s = 0;
        for (long[] row : counts) {
            s += row[c];
        }
        return s;
    }

    public long total() {
        long s = 0;
        for (long[] row : counts) {
            for (long v : row) {
                s += v;
            }
        }
        return s;
    }

    /** Correct predictions: the trace. */
    public long correct() {
        long s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += counts[c][c];
        }
        return s;
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public long[][] toArray() {
        long[][] out = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i].clone();
        }
        return out;
    }

    private void check(int c, String what) {
        if (c < 0 || c >= counts.length) {
            throw new IllegalArgumentException(what + " class " + c + " outside 0.." + (counts.length - 1));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(m.counts, counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(counts);
    }
}
