package com.oneshotct.db;

import java.util.Arrays;

/**
 * A 3x3 confusion matrix over Normal, CP, COVID (ImageClass order): rows are true classes, columns predictions.
 * A record over an array compares by reference, so equality and hashing are spelled out here.
 */
public final class ConfusionMatrix {

    public static final int CLASSES = 3;

    private final int[][] counts;

    private ConfusionMatrix(int[][] counts) {
        this.counts = counts;
    }

    /** Copies {@code counts}; it must be 3x3. Negative counts are left to the database to refuse. */
    public static ConfusionMatrix of(int[][] counts) {
        if (counts.length != CLASSES) {
            throw new IllegalArgumentException("confusion matrix must have 3 rows, got " + counts.length);
        }
        int[][] copy = new int[CLASSES][];
        for (int i = 0; i < CLASSES; i++) {
            if (counts[i].length != CLASSES) {
                throw new IllegalArgumentException("confusion matrix row " + i + " must have 3 columns, got "
                        + counts[i].length);
            }
            copy[i] = counts[i].clone();
        }
        return new ConfusionMatrix(copy);
    }

    /** Images of true class {@code truth} predicted as {@code predicted}. */
    public int get(int truth, int predicted) {
        return counts[truth][predicted];
    }

    public int total() {
        int n = 0;
        for (int[] row : counts) {
            for (int v : row) {
                n += v;
            }
        }
        return n;
    }

    public int[][] toArray() {
        int[][] copy = new int[CLASSES][];
        for (int i = 0; i < CLASSES; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    Integer[][] boxed() {
        Integer[][] out = new Integer[CLASSES][CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            for (int j = 0; j < CLASSES; j++) {
                out[i][j] = counts[i][j];
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(counts);
    }
}
