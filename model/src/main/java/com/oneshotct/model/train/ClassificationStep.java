package com.oneshotct.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BnMode;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.data.Preprocess;
import com.oneshotct.model.nn.Devices;
import com.oneshotct.model.nn.AttentionHead;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.Proposals;
import com.oneshotct.model.nn.S2Branch;
import com.oneshotct.model.nn.SegmentationInference;
import com.oneshotct.model.nn.StateDict;
import java.util.List;

/**
 * The paper's classification step on one image (model-spec section 6): backbone (+ FPN) with grad, RPN on the
 * detached features (the reference computes proposals under {@code no_grad}), the s2 branch's 16 boxes and their
 * RoI mask features (which keep the graph to the backbone features), the attention head, BCE with logits against
 * the one-hot label averaged over the three outputs, backward, and one optimiser update of
 * {@link OneShotNet#classificationParameters()} only.
 *
 * <p>Backbone and attention BatchNorm run with DJL's {@code training} flag set (running statistics move, as in
 * PyTorch's train mode); the RPN and RoI heads have no BatchNorm or dropout and run with it off. The image is
 * resized to the configured size by {@link Preprocess}.
 *
 * <p>Every temporary lives in a per-step sub-manager, closed at the end, as in {@link SegmentationStep}: a long
 * run must not grow the model's manager.
 */
public final class ClassificationStep {
    private final OneShotNet net;
    private final NDManager manager;
    private final ParameterStore ps;
    private final NDArray anchors;
    private final Proposals proposals;
    private final S2Branch s2;
    private final Preprocess preprocess;
    private final Adam adam;
    private final List<NDArray> params;
    private final List<NDArray> s2Params;
    private final boolean jointAttention;

    public ClassificationStep(OneShotNet net, NDManager manager, Adam adam) {
        var c = net.config();
        this.net = net;
        this.manager = manager;
        this.ps = new ParameterStore(manager, false);
        this.anchors = SegmentationInference.anchors(manager, c);
        this.proposals = Proposals.of(c);
        this.s2 = new S2Branch(net);
        this.preprocess = new Preprocess(c.imageSize(), c.imageSize());
        this.adam = adam;
        this.params = net.classificationParameters();
        this.s2Params = StateDict.entries(net).stream()
                .filter(e -> !e.kind().buffer() && e.key().startsWith("roi_heads.") && e.key().contains("_s2."))
                .map(e -> e.parameter().getArray()).toList();
        this.jointAttention = c.bnMode() == BnMode.TRAIN_BATCH_EVAL_RUNNING;
    }

    /** Trains on one image of class {@code label}; returns the classification loss. */
    public float run(GreyImage image, ImageClass label) {
        return run(List.of(image), List.of(label));
    }

    /**
     * Trains on a batch of images: one backbone pass over all of them (its BatchNorm sees the batch), then each
     * image's own proposals, 16 s2 boxes and RoI mask features; the loss is the images' mean. Under
     * {@link BnMode#TRAIN_BATCH_EVAL_RUNNING} one attention pass takes all images' RoIs (its BatchNorm normalises
     * over the whole batch's RoIs, not one image's 16); otherwise each image has its own, as in the reference. One
     * image is exactly {@link #run(GreyImage, ImageClass)}. Returns the (mean) classification loss.
     */
    public float run(List<GreyImage> images, List<ImageClass> labels) {
        if (images.isEmpty() || images.size() != labels.size()) {
            throw new IllegalArgumentException("a classification step needs one label per image, got "
                    + images.size() + " images and " + labels.size() + " labels");
        }
        int size = net.config().imageSize();
        int n = images.size();
        float loss;
        try (NDManager step = manager.newSubManager()) {
            NDList batch = new NDList(n);
            for (GreyImage image : images) {
                batch.add(preprocess.apply(step, image));
            }
            NDArray x = n == 1 ? batch.get(0).expandDims(0) : NDArrays.stack(batch);
            NDArray anchorsHere = anchors.duplicate();
            anchorsHere.attach(step);
            adam.zeroGradients(params);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray features = net.features(ps, x, true);
                NDList rois = new NDList(n);
                for (int i = 0; i < n; i++) {
                    NDArray one = n == 1 ? features : features.get(i).expandDims(0);
                    NDArray detached = one.stopGradient();
                    detached.attach(step);
                    NDList rpn = net.rpnHead(ps, detached, false);
                    NDArray props = proposals.filter(rpn.get(0), rpn.get(1), anchorsHere, size, size).get(0);
                    rois.add(s2.apply(ps, one, props, false).features());
                }
                NDArray total;
                if (n == 1 || !jointAttention) {
                    total = null;
                    for (int i = 0; i < n; i++) {
                        AttentionHead.Output out = net.classify(ps, rois.get(i), true);
                        NDArray l = AttentionHead.loss(out.logits(), labels.get(i));
                        total = total == null ? l : total.add(l);
                    }
                    if (n > 1) {
                        total = total.div(n);
                    }
                } else {
                    AttentionHead.Output out = net.classify(ps, NDArrays.concat(rois), n, true);
                    total = AttentionHead.loss(out.logits(), labels);
                }
                Devices.require(manager.getDevice(), "classification step", total);
                gc.backward(total);
                loss = total.getFloat();
            }
            // the s2 heads take gradients through the mask features but are never trained: do not let them pile up
            for (NDArray p : s2Params) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
            adam.update(params);
        }
        return loss;
    }
}
