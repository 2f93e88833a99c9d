package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.ops.RoiAlign;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * The segmentation RoI heads of {@code oneshot_forward.npz}, each stage fed the golden's own inputs: RoIAlign 7x7
 * of the golden proposals on the golden features -> box head, and RoIAlign 14x14 of the golden detections -> mask
 * head -> sigmoid of each detection's label channel.
 */
class RoiHeadsGoldenTest {
    private static final NDManager manager = GoldenNet.MANAGER;
    private static final NDList golden = GoldenNet.GOLDEN;
    private static final OneShotNet net = GoldenNet.NET;

    @Test
    void proposalsToBoxHead() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray rois = RoiHeadsLoss.withBatchIndex(golden.get("proposals"));
            NDArray pooled = new RoiAlign(7, 1.0 / 32, 2).apply(golden.get("features"), rois);
            NDList out = net.boxHead(new ParameterStore(sub, false), pooled, false);
            Golden.assertClose(golden.get("box_class_logits"), out.get(0), 1e-4, 1e-5, "box_class_logits");
            Golden.assertClose(golden.get("box_regression"), out.get(1), 1e-4, 1e-5, "box_regression");
        }
    }

    @Test
    void detectionsToMaskProbabilities() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray rois = RoiHeadsLoss.withBatchIndex(golden.get("det_boxes"));
            NDArray pooled = new RoiAlign(14, 1.0 / 32, 2).apply(golden.get("features"), rois);
            NDArray logits = net.maskHead(new ParameterStore(sub, false), pooled, false);
            long[] labels = golden.get("det_labels").toLongArray();
            NDList probs = new NDList();
            for (int i = 0; i < labels.length; i++) {
                probs.add(Activation.sigmoid(logits.get(new NDIndex("{}, {}", i, labels[i]))));
            }
            NDArray got = NDArrays.stack(probs);
            Golden.assertClose(golden.get("mask_probs"), got, 1e-4, 1e-6, "mask_probs");
        }
    }
}
