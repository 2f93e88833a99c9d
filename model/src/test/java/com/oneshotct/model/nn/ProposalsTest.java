package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.ops.Anchors;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

class ProposalsTest {

    /** The golden RPN outputs of oneshot_forward.npz, through our filter, give the golden proposals. */
    @Test
    void goldenProposals() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(m, "oneshot_forward.npz");
            NDArray anchors = new Anchors().generate(m, 512, 512, 16, 16);
            NDList out = Proposals.reference().filter(g.get("rpn_objectness"), g.get("rpn_deltas"), anchors, 512, 512);
            Golden.assertClose(g.get("proposals"), out.get(0), 1e-4, 1e-3, "proposals");
            Golden.assertClose(g.get("proposal_scores"), out.get(1), 1e-5, 1e-6, "proposal scores");
        }
    }

    /** Flattening follows the anchors' (H, W, A) order: element (a, y, x) lands at (y*W + x)*A + a. */
    @Test
    void flattenOrder() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            int a = 3;
            int h = 2;
            int w = 4;
            NDArray obj = m.arange(a * h * w).toType(DataType.FLOAT32, false)
                    .reshape(1, a, h, w);
            float[] flat = Proposals.flattenObjectness(obj).toFloatArray();
            for (int ai = 0; ai < a; ai++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        assertEquals(ai * h * w + y * w + x, flat[(y * w + x) * a + ai], 0f);
                    }
                }
            }
            // deltas (1, 4A, H, W) as (A, 4, H, W): coordinate c of anchor a at (y, x) is channel a*4 + c
            NDArray d = m.arange(4 * a * h * w).toType(DataType.FLOAT32, false)
                    .reshape(1, 4 * a, h, w);
            NDArray fd = Proposals.flattenDeltas(d);
            assertEquals(new Shape(h * w * a, 4), fd.getShape());
            float[] f = fd.toFloatArray();
            int y = 1;
            int x = 2;
            int ai = 2;
            for (int c = 0; c < 4; c++) {
                assertEquals((ai * 4 + c) * h * w + y * w + x, f[((y * w + x) * a + ai) * 4 + c], 0f);
            }
        }
    }
}
