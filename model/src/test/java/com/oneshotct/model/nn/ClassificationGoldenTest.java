package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.ops.Anchors;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * The classification half of {@code oneshot_forward.npz}: the golden's own s2 RoI mask features through the attention
 * branch, and the whole one-shot pass from the image to the image logits.
 */
class ClassificationGoldenTest {
    private static final NDManager manager = GoldenNet.MANAGER;
    private static final NDList golden = GoldenNet.GOLDEN;
    private static final OneShotNet net = GoldenNet.NET;

    @Test
    void s2MaskFeaturesToScores() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray rois = golden.get("s2_mask_features").toType(DataType.FLOAT32, false);
            AttentionHead.Output out = net.classify(new ParameterStore(sub, false), rois, false);
            close("pos_vector", golden.get("pos_vector").reshape(1, 256), out.positiveVector());
            close("neg_vector", golden.get("neg_vector").reshape(1, 256), out.negativeVector());
            close("pos_logits", golden.get("pos_logits"), out.positiveLogits());
            close("neg_logits", golden.get("neg_logits"), out.negativeLogits());
            close("final_scores", golden.get("final_scores"), out.logits());
        }
    }

    /**
     * From the golden's own s2 features: within 1e-3 of the array's largest magnitude, the bound KEYS.md gives the
     * attention head. Measured on the corrected golden (no ReLU after the s2 conv_mask): worst errors 1.7e-6 to
     * 1.5e-5 of the max for the vectors and logits.
     */
    private static void close(String what, NDArray want, NDArray got) {
        close(what, want, got, 1e-3);
    }

    private static void close(String what, NDArray want, NDArray got, double ofMax) {
        double max = want.abs().max().getFloat();
        Golden.assertClose(want, got, 0, ofMax * max, what);
    }

    /**
     * Image -> features -> RPN -> proposals -> s2 boxes -> s2 mask features -> attention -> image logits, with no
     * golden intermediate. The features carry float32 rounding of about 4e-4 of their max (see ForwardGoldenTest),
     * which BatchNorm over the 16 RoIs (some repeated by the cyclic padding) amplifies: the 16 boxes it selects must
     * be the golden's (to 0.05 px), the scores within 1.5 % of their largest magnitude (measured 0.55 % on the
     * corrected golden; the same layers fed the golden's features agree to 1.5e-5, the test above).
     */
    @Test
    void imageToScores() {
        try (NDManager sub = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            NDArray image = golden.get("image").toType(DataType.FLOAT32, false).expandDims(0);
            image.attach(sub);
            NDArray features = net.features(ps, image, false);
            NDList rpn = net.rpnHead(ps, features, false);
            NDArray anchors = new Anchors().generate(sub, 512, 512, 16, 16);
            NDArray proposals = Proposals.reference().filter(rpn.get(0), rpn.get(1), anchors, 512, 512).get(0);
            S2Branch.Result s2 = new S2Branch(net).apply(ps, features, proposals, false);
            Golden.assertClose(golden.get("s2_boxes"), s2.boxes(), 1e-3, 0.05, "s2_boxes");
            AttentionHead.Output out = net.classify(ps, s2.features(), false);
            close("final_scores", golden.get("final_scores"), out.logits(), 1.5e-2);
        }
    }
}
