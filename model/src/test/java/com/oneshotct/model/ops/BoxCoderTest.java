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

class BoxCoderTest {
    @Test
    void goldenWeightsOne() {
        golden(BoxCoder.rpn(), "w1");
    }

    @Test
    void goldenWeightsTen() {
        golden(BoxCoder.roi(), "w10");
    }

    private static void golden(BoxCoder coder, String suffix) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(manager, "box_coder.npz");
            NDArray encoded = coder.encode(g.get("gt"), g.get("proposals"));
            Golden.assertClose(g.get("encoded_" + suffix), encoded, 1e-4, 1e-6, "encoded_" + suffix);
            NDArray decoded = coder.decode(g.get("deltas"), g.get("proposals"));
            Golden.assertClose(g.get("decoded_" + suffix), decoded, 1e-4, 1e-4, "decoded_" + suffix);
        }
    }

    @Test
    void encodeByHand() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // Proposal (0,0,10,10): w = h = 10, centre (5,5). GT (5,5,15,25): w 10, h 20, centre (10,15).
            // dx = (10-5)/10 = 0.5, dy = (15-5)/10 = 1, dw = log(10/10) = 0, dh = log(20/10) = log 2.
            NDArray proposal = manager.create(new float[] {0, 0, 10, 10}, new Shape(1, 4));
            NDArray gt = manager.create(new float[] {5, 5, 15, 25}, new Shape(1, 4));
            float ln2 = (float) Math.log(2);
            assertArrayEquals(new float[] {0.5f, 1, 0, ln2}, BoxCoder.rpn().encode(gt, proposal).toFloatArray(),
                    1e-6f);
            // Weights (10,10,5,5) scale each: 5, 10, 0, 5 log 2.
            assertArrayEquals(new float[] {5, 10, 0, 5 * ln2}, BoxCoder.roi().encode(gt, proposal).toFloatArray(),
                    1e-5f);
        }
    }

    @Test
    void decodeInvertsEncode() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray proposals = manager.create(new float[] {0, 0, 10, 10, 3.5f, 7, 40, 19, 100, 200, 130, 260},
                    new Shape(3, 4));
            NDArray gt = manager.create(new float[] {2, 1, 9, 14, 10, 8, 33, 30, 90, 190, 150, 250},
                    new Shape(3, 4));
            for (BoxCoder coder : new BoxCoder[] {BoxCoder.rpn(), BoxCoder.roi()}) {
                NDArray back = coder.decode(coder.encode(gt, proposals), proposals);
                Golden.assertClose(gt, back, 1e-5, 1e-4, "decode(encode(gt))");
            }
        }
    }

    @Test
    void clampStopsHugeScale() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // dw = dh = 100 is clamped to log(1000/16) = log 62.5: the 10x10 box centred at (5,5) grows to
            // 625x625, i.e. (5 - 312.5, 5 - 312.5, 5 + 312.5, 5 + 312.5); unclamped it would be infinite.
            NDArray box = manager.create(new float[] {0, 0, 10, 10}, new Shape(1, 4));
            NDArray delta = manager.create(new float[] {0, 0, 100, 100}, new Shape(1, 4));
            assertArrayEquals(new float[] {-307.5f, -307.5f, 317.5f, 317.5f},
                    BoxCoder.rpn().decode(delta, box).toFloatArray(), 1e-3f);
            // The clamp applies after dividing by the weight: dw = 100 / 5 = 20 is still above it.
            assertArrayEquals(new float[] {-307.5f, -307.5f, 317.5f, 317.5f},
                    BoxCoder.roi().decode(delta, box).toFloatArray(), 1e-3f);
            // Large negative deltas are not clamped (torchvision clamps from above only): exp(-100) * 10 ~ 0.
            NDArray shrink = manager.create(new float[] {0, 0, -100, -100}, new Shape(1, 4));
            assertArrayEquals(new float[] {5, 5, 5, 5}, BoxCoder.rpn().decode(shrink, box).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void perClassDecodeIsEachClassDecodedAlone() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(manager, "box_coder.npz");
            NDArray proposals = g.get("proposals").get("0:5");
            NDArray d = g.get("deltas");
            // Three classes per row: the deltas of rows 0-4, 5-9 and 10-14 side by side.
            NDArray deltas = d.get("0:5").concat(d.get("5:10"), 1).concat(d.get("10:15"), 1);
            BoxCoder coder = BoxCoder.roi();
            NDArray got = coder.decodePerClass(deltas, proposals);
            assertEquals(new Shape(5, 3, 4), got.getShape());
            for (int k = 0; k < 3; k++) {
                NDArray alone = coder.decode(d.get(5 * k + ":" + (5 * k + 5)), proposals);
                assertArrayEquals(alone.toFloatArray(), got.get(":, " + k + ", :").toFloatArray());
            }
        }
    }

    @Test
    void rejectsBadShapes() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray boxes = manager.zeros(new Shape(3, 4));
            assertThrows(IllegalArgumentException.class, () -> BoxCoder.rpn().decode(manager.zeros(new Shape(2, 4)),
                    boxes));
            assertThrows(IllegalArgumentException.class, () -> BoxCoder.rpn().decodePerClass(
                    manager.zeros(new Shape(3, 6)), boxes));
            assertThrows(IllegalArgumentException.class, () -> BoxCoder.rpn().encode(manager.zeros(new Shape(3, 5)),
                    boxes));
            assertThrows(IllegalArgumentException.class, () -> new BoxCoder(1, 1, 0, 1));
        }
    }
}
