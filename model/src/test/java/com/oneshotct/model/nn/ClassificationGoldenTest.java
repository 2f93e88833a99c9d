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
     * Within 1.5 % of the array's largest magnitude. Measured: worst errors 0.6 % of the max for the vectors and
     * 0.7-1.4 % for the logits, from the stored (float16) s2 features and from our own float32 ones alike; the same
     * layers match attention_head.npz to 1e-4 (AttentionHeadGoldenTest), so this is the amplification of input
     * rounding by BatchNorm over 16 RoIs (some repeated by the cyclic padding), not a different computation.
     */
    private static void close(String what, NDArray want, NDArray got) {
        double max = want.abs().max().getFloat();
        Golden.assertClose(want, got, 0, 1.5e-2 * max, what);
    }

    /**
     * Image -> features -> RPN -> proposals -> s2 boxes -> s2 mask features -> attention -> image logits, with no
     * golden intermediate. The features carry float32 rounding of about 4e-4 of their max (see ForwardGoldenTest),
     * the 16 boxes it selects must be the golden's (to 0.05 px), the scores as close as in the test above.
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
            close("final_scores", golden.get("final_scores"), out.logits());
        }
    }
}
