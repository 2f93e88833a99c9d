package com.oneshotct.model.nn;

import com.oneshotct.model.ops.Nms;
import java.util.function.IntPredicate;

/**
 * Per-class candidate boxes of a box head's output, as torchvision flattens them: ordered by proposal, then class
 * 1..K-1 (background dropped), each with its class probability and label.
 *
 * @param boxes (C, 4) row-major
 * @param scores C class probabilities
 * @param labels C labels in 1..K-1
 */
record ClassCandidates(float[] boxes, float[] scores, long[] labels) {

    /**
     * @param boxes per-class boxes (N, K, 4) row-major
     * @param probs class probabilities (N, K) row-major
     * @param accept keeps the candidate at flat index {@code i * K + j} (proposal i, class j) when true
     */
    static ClassCandidates of(float[] boxes, float[] probs, int classes, IntPredicate accept) {
        int n = probs.length / classes;
        int[] cand = new int[n * (classes - 1)];
        int c = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 1; j < classes; j++) {
                int flat = i * classes + j;
                if (accept.test(flat)) {
                    cand[c++] = flat;
                }
            }
        }
        float[] cb = new float[c * 4];
        float[] cs = new float[c];
        long[] cl = new long[c];
        for (int i = 0; i < c; i++) {
            System.arraycopy(boxes, cand[i] * 4, cb, i * 4, 4);
            cs[i] = probs[cand[i]];
            cl[i] = cand[i] % classes;
        }
        return new ClassCandidates(cb, cs, cl);
    }

    int size() {
        return scores.length;
    }

    /** Class-wise NMS: kept candidate indices, best score first. */
    long[] nms(double threshold) {
        return Nms.batched(boxes, scores, labels, threshold);
    }
}
