package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

class DetectionsTest {

    /** The golden box-head outputs on the golden proposals give the golden detections. */
    @Test
    void goldenDetections() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList g = Golden.load(m, "oneshot_forward.npz");
            NDList out = Detections.torchvisionDefaults().apply(g.get("box_class_logits"), g.get("box_regression"),
                    g.get("proposals"), 512, 512);
            assertEquals(g.get("det_labels").getShape(), out.get(2).getShape(), "detection count");
            Golden.assertSameLongs(g.get("det_labels"), out.get(2), "labels");
            Golden.assertClose(g.get("det_boxes"), out.get(0), 1e-4, 1e-3, "boxes");
            Golden.assertClose(g.get("det_scores"), out.get(1), 1e-4, 1e-6, "scores");
        }
    }

    /** One proposal, two classes above threshold: both kept (class-wise NMS), background never reported. */
    @Test
    void handCase() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // logits (0, ln 2, ln 3 ... ) -> softmax over (1, 2, 3, 0.0001): use exact exps
            float[] logits = {0f, (float) Math.log(2), (float) Math.log(3), -20f};
            NDList out = new Detections(0.05, 0.5, 10, 0.01f).apply(m.create(logits).reshape(1, 4),
                    m.zeros(new Shape(1, 16)), m.create(new float[] {10, 10, 50, 30}).reshape(1, 4),
                    100, 100);
            // probs: 1/6, 2/6, 3/6, ~0 -> classes 2 (0.5) then 1 (0.333); zero deltas decode to the proposal itself
            assertEquals(2, out.get(2).getShape().get(0));
            assertEquals(2L, out.get(2).getLong(0));
            assertEquals(1L, out.get(2).getLong(1));
            assertEquals(0.5f, out.get(1).getFloat(0), 1e-6);
            assertEquals(1f / 3, out.get(1).getFloat(1), 1e-6);
            float[] b = out.get(0).toFloatArray();
            assertEquals(10f, b[0], 1e-4);
            assertEquals(50f, b[2], 1e-4);
        }
    }
}
