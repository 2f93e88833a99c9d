package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The s2 box selection on hand-made cases: area filter, class-wise NMS, cyclic padding, the empty rule, order. */
class S2BoxesTest {

    /**
     * Three proposals, classes (background, 1, 2); each row: background box, class-1 box, class-2 box.
     * P0: class 1 A = (10,0,20,10) p .5, class 2 the same box A p .3.
     * P1: class 1 D = (10,0,20,11) p .45, IoU with A = 100 / 110 > 0.25, same class -> suppressed;
     *     class 2 E = (5,5,5,9) p .5, area 0 -> dropped before NMS.
     * P2: class 1 C = (50,50,60,60) p .4, class 2 B = (0,30,10,40) p .35.
     * Candidates after the area filter: 6 - 1 = 5. NMS in score order A .5, D .45 (suppressed), C .4, B .35,
     * A(class 2) .3 (other class, kept) -> 4 survivors A, C, B, A. Padded to 6: A, C, B, A, A, C.
     * Corner distances 10, 70.7, 30, 10, 10, 70.7 -> stable order A, A, A, B, C, C.
     */
    @Test
    void classWiseNmsThenCyclicPaddingThenCornerOrder() {
        float[] boxes = {
            0, 0, 1, 1, 10, 0, 20, 10, 10, 0, 20, 10,
            0, 0, 1, 1, 10, 0, 20, 11, 5, 5, 5, 9,
            0, 0, 1, 1, 50, 50, 60, 60, 0, 30, 10, 40};
        float[] probs = {.2f, .5f, .3f, .05f, .45f, .5f, .25f, .4f, .35f};
        S2Boxes.Selection s = new S2Boxes(0.25, 6, 1e-5f).select(boxes, probs, 3, 64, 64);
        assertEquals(5, s.candidates());
        assertEquals(4, s.survivors());
        float[] a = {10, 0, 20, 10};
        float[] b = {0, 30, 10, 40};
        float[] c = {50, 50, 60, 60};
        assertArrayEquals(concat(a, a, a, b, c, c), s.boxes());
    }

    /** Nothing above the area limit: the whole image box (0, 0, W, H), repeated. */
    @Test
    void noSurvivorGivesTheImageBox() {
        float[] boxes = {0, 0, 1, 1, 3, 3, 3, 8, 0, 0, 1, 1, 7, 2, 9, 2};
        float[] probs = {.1f, .9f, .2f, .8f};
        S2Boxes.Selection s = new S2Boxes(0.25, 3, 1e-5f).select(boxes, probs, 2, 40, 50);
        assertEquals(0, s.candidates());
        assertEquals(0, s.survivors());
        float[] image = {0, 0, 50, 40};
        assertArrayEquals(concat(image, image, image), s.boxes());
    }

    /** No proposals at all, through the NDArray entry: the same rule. */
    @Test
    void noProposals() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            S2Boxes.Selection s = S2Boxes.reference().apply(m.zeros(new Shape(0, 4)), m.zeros(new Shape(0, 16)),
                    m.zeros(new Shape(0, 4)), 32, 32);
            assertEquals(16, s.boxes().length / 4);
            for (int i = 0; i < 16; i++) {
                assertArrayEquals(new float[] {0, 0, 32, 32}, java.util.Arrays.copyOfRange(s.boxes(), 4 * i,
                        4 * i + 4));
            }
        }
    }

    /**
     * Through decode and softmax: zero regression decodes every class box to its proposal. Proposals
     * (0,20,10,30) and (2,1,6,5), logits (0, 2) and (0, 1): class-1 probabilities .88 and .73, no overlap -> both
     * kept, best first, padded to 3: P0, P1, P0; corner distances 20, 2.24, 20 -> P1, P0, P0.
     */
    @Test
    void decodesAndScores() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            S2Boxes.Selection s = new S2Boxes(0.25, 3, 1e-5f).apply(
                    m.create(new float[] {0, 2, 0, 1}, new Shape(2, 2)), m.zeros(new Shape(2, 8)),
                    m.create(new float[] {0, 20, 10, 30, 2, 1, 6, 5}, new Shape(2, 4)), 32, 32);
            assertEquals(2, s.survivors());
            assertArrayEquals(new float[] {2, 1, 6, 5, 0, 20, 10, 30, 0, 20, 10, 30}, s.boxes());
        }
    }

    /** Equal distances keep their order: (3,4) and (4,3) and (0,5) are all 5 from the origin. */
    @Test
    void cornerSortIsStable() {
        float[] boxes = {4, 3, 9, 9, 6, 0, 9, 9, 3, 4, 9, 9, 0, 5, 9, 9};
        assertArrayEquals(new float[] {4, 3, 9, 9, 3, 4, 9, 9, 0, 5, 9, 9, 6, 0, 9, 9}, S2Boxes.sortByCorner(boxes));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new S2Boxes(0, 16, 1e-5f));
        assertThrows(IllegalArgumentException.class, () -> new S2Boxes(0.25, 0, 1e-5f));
        assertThrows(IllegalArgumentException.class,
                () -> S2Boxes.reference().select(new float[8], new float[3], 3, 8, 8));
    }

    private static float[] concat(float[]... parts) {
        float[] out = new float[parts.length * 4];
        for (int i = 0; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, out, 4 * i, 4);
        }
        return out;
    }
}
