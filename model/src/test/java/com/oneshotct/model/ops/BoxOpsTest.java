package com.oneshotct.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

class BoxOpsTest {
    @Test
    void goldenIouOfNmsBoxesBitForBit() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(manager, "nms.npz");
            NDArray boxes = g.get("boxes");
            float[] expected = g.get("iou").toFloatArray();
            assertArrayEquals(expected, BoxOps.iou(boxes.toFloatArray(), boxes.toFloatArray()), "float[] iou");
            NDArray nd = BoxOps.iou(boxes, boxes);
            assertEquals(new Shape(60, 60), nd.getShape());
            assertArrayEquals(expected, nd.toFloatArray(), "NDArray iou");
        }
    }

    @Test
    void goldenIouOfMatcherBoxesBitForBit() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(manager, "matcher.npz");
            float[] expected = g.get("iou").toFloatArray();
            assertArrayEquals(expected, BoxOps.iou(g.get("gt").toFloatArray(), g.get("proposals").toFloatArray()));
            NDArray nd = BoxOps.iou(g.get("gt"), g.get("proposals"));
            assertEquals(new Shape(4, 30), nd.getShape());
            assertArrayEquals(expected, nd.toFloatArray());
        }
    }

    @Test
    void iouByHand() {
        // (0,0,2,2) and (1,1,3,3): areas 4 and 4, intersection 1x1 = 1, union 4 + 4 - 1 = 7, IoU 1/7.
        // (0,0,2,2) and (2,0,4,2) only touch: intersection 0. A box with itself: 1.
        float[] a = {0, 0, 2, 2};
        float[] b = {1, 1, 3, 3, 2, 0, 4, 2, 0, 0, 2, 2};
        assertArrayEquals(new float[] {1f / 7f, 0f, 1f}, BoxOps.iou(a, b));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray got = BoxOps.iou(manager.create(a, new Shape(1, 4)), manager.create(b, new Shape(3, 4)));
            assertArrayEquals(new float[] {1f / 7f, 0f, 1f}, got.toFloatArray());
        }
    }

    @Test
    void areaByHand() {
        float[] boxes = {0, 0, 2, 3, 1.5f, 1, 2, 5};
        // 2 * 3 = 6; 0.5 * 4 = 2.
        assertArrayEquals(new float[] {6, 2}, BoxOps.area(boxes));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertArrayEquals(new float[] {6, 2}, BoxOps.area(manager.create(boxes, new Shape(2, 4))).toFloatArray());
        }
    }

    @Test
    void clipToImage() {
        // Image 10 high, 20 wide: x into [0, 20], y into [0, 10].
        float[] boxes = {-5, -1, 25, 12, 3, 4, 5, 6};
        float[] want = {0, 0, 20, 10, 3, 4, 5, 6};
        assertArrayEquals(want, BoxOps.clip(boxes, 10, 20));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertArrayEquals(want, BoxOps.clip(manager.create(boxes, new Shape(2, 4)), 10, 20).toFloatArray());
            // Per-class boxes (N, K, 4) clip the same way.
            NDArray perClass = BoxOps.clip(manager.create(boxes, new Shape(1, 2, 4)), 10, 20);
            assertEquals(new Shape(1, 2, 4), perClass.getShape());
            assertArrayEquals(want, perClass.toFloatArray());
        }
        assertThrows(IllegalArgumentException.class, () -> BoxOps.clip(boxes, 0, 20));
    }

    @Test
    void removeSmallKeepsBoxesAtLeastMinSize() {
        // widths 1, 0.5, 2, 1; heights 1, 3, 0.99, 1.5: with min 1, boxes 0 and 3 stay (>= is inclusive).
        float[] boxes = {0, 0, 1, 1, 0, 0, 0.5f, 3, 0, 0, 2, 0.99f, 4, 4, 5, 5.5f};
        assertArrayEquals(new int[] {0, 3}, BoxOps.removeSmall(boxes, 1f));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray keep = BoxOps.removeSmall(manager.create(boxes, new Shape(4, 4)), 1f);
            assertArrayEquals(new long[] {0, 3}, keep.toLongArray());
        }
    }

    @Test
    void rejectsMalformedBoxes() {
        assertThrows(IllegalArgumentException.class, () -> BoxOps.area(new float[] {0, 0, 1}));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThrows(IllegalArgumentException.class, () -> BoxOps.iou(manager.zeros(new Shape(2, 5)),
                    manager.zeros(new Shape(2, 4))));
        }
    }
}
