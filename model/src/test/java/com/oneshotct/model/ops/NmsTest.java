package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.testing.Golden;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NmsTest {
    @Test
    void goldenKeptIndicesInOrder() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(manager, "nms.npz");
            NDArray boxes = g.get("boxes");
            NDArray scores = g.get("scores");
            Golden.assertSameLongs(g.get("keep_050"), Nms.nms(boxes, scores, 0.5), "keep_050");
            Golden.assertSameLongs(g.get("keep_075"), Nms.nms(boxes, scores, 0.75), "keep_075");
            Golden.assertSameLongs(g.get("keep_batched_025"), Nms.batched(boxes, scores, g.get("labels"), 0.25),
                    "keep_batched_025");
        }
    }

    @Test
    void overlapAboveThresholdIsSuppressed() {
        // (0,0,2,2) and (1,1,3,3) overlap with IoU 1/7 = 0.143: suppressed at 0.1, both kept at 0.2.
        float[] boxes = {0, 0, 2, 2, 1, 1, 3, 3};
        float[] scores = {0.6f, 0.9f};
        assertArrayEquals(new long[] {1}, Nms.nms(boxes, scores, 0.1));
        assertArrayEquals(new long[] {1, 0}, Nms.nms(boxes, scores, 0.2));
    }

    @Test
    void iouEqualToThresholdIsKept() {
        // (0,0,2,1) and (1,0,3,1): intersection 1, union 2 + 2 - 1 = 3, IoU = 1f/3f in float. Suppression needs
        // IoU strictly above the threshold, compared in double as the C++ kernel does.
        float[] boxes = {0, 0, 2, 1, 1, 0, 3, 1};
        float[] scores = {0.9f, 0.8f};
        double iou = 1f / 3f;
        assertArrayEquals(new long[] {0, 1}, Nms.nms(boxes, scores, iou));
        assertArrayEquals(new long[] {0}, Nms.nms(boxes, scores, Math.nextDown(iou)));
    }

    @Test
    void equalScoresVisitInIndexOrder() {
        // Three identical boxes with the same score: the stable sort visits index 0 first, which suppresses
        // the others. A separate box with a higher score comes first in the output.
        float[] boxes = {0, 0, 4, 4, 0, 0, 4, 4, 0, 0, 4, 4, 10, 10, 12, 12};
        float[] scores = {0.5f, 0.5f, 0.5f, 0.7f};
        assertArrayEquals(new long[] {3, 0}, Nms.nms(boxes, scores, 0.5));
        // -0 and +0 are equal scores too.
        assertArrayEquals(new long[] {0}, Nms.nms(new float[] {0, 0, 1, 1, 0, 0, 1, 1}, new float[] {-0f, 0f}, 0.5));
    }

    @Test
    void batchedKeepsOverlappingBoxesOfDifferentClasses() {
        // Boxes 0 and 1 coincide but have different labels: both survive. Box 2 coincides with box 0 and
        // shares its label with a lower score: suppressed. Output in score order: 1 (0.9), 0 (0.8).
        float[] boxes = {0, 0, 5, 5, 0, 0, 5, 5, 0, 0, 5, 5};
        float[] scores = {0.8f, 0.9f, 0.7f};
        long[] labels = {1, 2, 1};
        assertArrayEquals(new long[] {1, 0}, Nms.batched(boxes, scores, labels, 0.5));
        assertArrayEquals(new long[0], Nms.batched(new float[0], new float[0], new long[0], 0.5));
    }

    @Test
    void bothBatchedPathsAreValidClasswiseNms() {
        // 300 boxes take the coordinate trick, 1500 the per-class loop (over 4000 coordinates).
        for (int n : new int[] {300, 1500}) {
            SplittableRandom r = new SplittableRandom(n);
            float[] boxes = randomBoxes(r, n);
            float[] scores = new float[n];
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) {
                scores[i] = (float) r.nextDouble();
                labels[i] = r.nextInt(3);
            }
            long[] keep = Nms.batched(boxes, scores, labels, 0.3);
            assertValidNms(boxes, scores, labels, keep, 0.3);
        }
    }

    @Test
    void plainNmsIsValidOnRandomBoxes() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 400;
        float[] boxes = randomBoxes(r, n);
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = (float) r.nextDouble();
        }
        long[] keep = Nms.nms(boxes, scores, 0.75);
        assertValidNms(boxes, scores, new long[n], keep, 0.75);
        // Rough, untimed-assert speed figure for the report: 400 boxes per image as in the RPN.
        for (int i = 0; i < 100; i++) {
            Nms.nms(boxes, scores, 0.75);
        }
        long t0 = System.nanoTime();
        int reps = 200;
        for (int i = 0; i < reps; i++) {
            Nms.nms(boxes, scores, 0.75);
        }
        System.out.printf("nms of %d boxes: %.3f ms per call%n", n, (System.nanoTime() - t0) / 1e6 / reps);
    }

    @Test
    void rejectsMismatchedLengths() {
        assertThrows(IllegalArgumentException.class, () -> Nms.nms(new float[8], new float[3], 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> Nms.batched(new float[8], new float[2], new long[1], 0.5));
    }

    private static float[] randomBoxes(SplittableRandom r, int n) {
        float[] b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float x = (float) r.nextDouble(0, 400);
            float y = (float) r.nextDouble(0, 400);
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + (float) r.nextDouble(5, 80);
            b[4 * i + 3] = y + (float) r.nextDouble(5, 80);
        }
        return b;
    }

    /**
     * The defining properties of greedy class-wise NMS, checked independently of the implementation: output in
     * non-increasing score order; no two kept boxes of one class overlap above the threshold; every dropped box
     * overlaps above the threshold a kept box of its class with a score at least its own.
     */
    private static void assertValidNms(float[] boxes, float[] scores, long[] labels, long[] keep, double thr) {
        int n = scores.length;
        boolean[] kept = new boolean[n];
        for (int k = 0; k < keep.length; k++) {
            kept[(int) keep[k]] = true;
            if (k > 0) {
                assertTrue(scores[(int) keep[k - 1]] >= scores[(int) keep[k]], "kept boxes out of score order");
            }
        }
        float[] iou = BoxOps.iou(boxes, boxes);
        for (long a : keep) {
            for (long b : keep) {
                if (a != b && labels[(int) a] == labels[(int) b]) {
                    assertTrue(iou[(int) (a * n + b)] <= thr, "kept " + a + " and " + b + " overlap");
                }
            }
        }
        int dropped = 0;
        for (int j = 0; j < n; j++) {
            if (kept[j]) {
                continue;
            }
            dropped++;
            boolean explained = false;
            for (long a : keep) {
                explained |= labels[(int) a] == labels[j] && scores[(int) a] >= scores[j] && iou[(int) a * n + j] > thr;
            }
            assertTrue(explained, "box " + j + " dropped without a suppressor");
        }
        assertTrue(dropped > 0 && keep.length > 0, "degenerate test data: nothing suppressed");
        assertEquals(n, keep.length + dropped);
    }
}
