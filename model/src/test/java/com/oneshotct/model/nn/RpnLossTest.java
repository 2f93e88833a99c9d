package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.ops.SplitMix64;
import org.junit.jupiter.api.Test;

class RpnLossTest {

    /**
     * Anchor 0 equals the GT (IoU 1: positive); anchor 1 = (0,0,10,20) half-overlaps it (IoU 0.5: ignored);
     * anchors 2 and 3 are far (IoU 0: negative). All 3 usable anchors fit in the 256 sample: 1 positive, 2 negative.
     * Logits 0 -> BCE log 2 each; the positive's deltas (1, 0, -2, 0) against target 0 -> L1 3 over 3 sampled.
     */
    @Test
    void handCase() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray anchors = m.create(new float[] {0, 0, 10, 10, 0, 0, 10, 20, 50, 50, 60, 60, 80, 80, 90, 90},
                    new Shape(4, 4));
            NDArray gt = m.create(new float[] {0, 0, 10, 10}, new Shape(1, 4));
            NDArray deltas = m.create(new float[] {1, 0, -2, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, new Shape(4, 4));
            NDList loss = RpnLoss.reference().compute(m.zeros(new Shape(4)), deltas, anchors, gt, new SplitMix64(1));
            assertEquals(Math.log(2), loss.get(0).getFloat(), 1e-6);
            assertEquals(3.0 / 3, loss.get(1).getFloat(), 1e-6);
        }
    }

    /** Without ground truth every anchor is background: only the objectness loss remains. */
    @Test
    void noGroundTruth() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray anchors = m.create(new float[] {0, 0, 10, 10, 20, 20, 30, 30}, new Shape(2, 4));
            NDList loss = RpnLoss.reference().compute(m.create(new float[] {0f, 0f}), m.ones(new Shape(2, 4)), anchors,
                    m.zeros(new Shape(0, 4)), new SplitMix64(1));
            assertEquals(Math.log(2), loss.get(0).getFloat(), 1e-6);
            assertEquals(0f, loss.get(1).getFloat(), 0f);
        }
    }
}
