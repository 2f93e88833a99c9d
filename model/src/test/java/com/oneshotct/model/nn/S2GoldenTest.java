package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.ops.RoiAlign;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * The classification branch of {@code oneshot_forward.npz} up to the RoI mask features, each stage fed the golden's
 * own inputs, then the whole branch from the golden features and proposals.
 *
 * <p>{@code s2_mask_features} is stored as float16 (relative rounding up to 2^-11 = 4.9e-4), so it is compared with
 * rtol 1e-3 and atol 1e-3 times the largest magnitude (values near zero after the ReLU carry float16's absolute
 * error of the large ones' scale through the sums, not a relative one).
 */
class S2GoldenTest {
    private static final NDManager manager = GoldenNet.MANAGER;
    private static final NDList golden = GoldenNet.GOLDEN;
    private static final OneShotNet net = GoldenNet.NET;
    private static final int SIZE = 512;

    @Test
    void proposalsToS2BoxHead() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray pooled = new RoiAlign(7, 1.0 / 32, 2).apply(golden.get("features"),
                    new NDList(golden.get("proposals")));
            pooled.attach(sub);
            NDList out = net.boxHeadS2(new ParameterStore(sub, false), pooled, false);
            Golden.assertClose(golden.get("s2_class_logits"), out.get(0), 1e-4, 1e-5, "s2_class_logits");
            Golden.assertClose(golden.get("s2_box_regression"), out.get(1), 1e-4, 1e-5, "s2_box_regression");
        }
    }

    @Test
    void s2Selection() {
        try (NDManager sub = manager.newSubManager()) {
            S2Boxes.Selection s = S2Boxes.reference().apply(golden.get("s2_class_logits"),
                    golden.get("s2_box_regression"), golden.get("proposals"), SIZE, SIZE);
            assertEquals(golden.get("s2_candidates_kept").toLongArray()[0], s.candidates(), "s2_candidates_kept");
            Golden.assertClose(golden.get("s2_boxes"), s.toArray(sub), 1e-5, 1e-4, "s2_boxes");
        }
    }

    @Test
    void s2BoxesToMaskFeatures() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray features = new S2Branch(net).maskFeatures(new ParameterStore(sub, false),
                    golden.get("features"), golden.get("s2_boxes"), false);
            features.attach(sub);
            assertMaskFeatures(features);
        }
    }

    @Test
    void wholeBranchFromProposals() {
        try (NDManager sub = manager.newSubManager()) {
            S2Branch.Result r = new S2Branch(net).apply(new ParameterStore(sub, false), golden.get("features"),
                    golden.get("proposals"), false);
            r.boxes().attach(sub);
            r.features().attach(sub);
            Golden.assertClose(golden.get("s2_boxes"), r.boxes(), 1e-5, 1e-4, "s2_boxes");
            assertMaskFeatures(r.features());
        }
    }

    private static void assertMaskFeatures(NDArray got) {
        NDArray expected = golden.get("s2_mask_features").toType(DataType.FLOAT32, false);
        double max = expected.abs().max().getFloat();
        Golden.assertClose(expected, got, 1e-3, 1e-3 * max, "s2_mask_features");
    }
}
