package com.oneshotct.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BnMode;
import com.oneshotct.model.data.Instance;
import com.oneshotct.model.data.InstanceMask;
import com.oneshotct.model.data.Preprocess;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.nn.Devices;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.Proposals;
import com.oneshotct.model.nn.RoiHeadsLoss;
import com.oneshotct.model.nn.RpnLoss;
import com.oneshotct.model.nn.SegmentationInference;
import com.oneshotct.model.ops.BalancedSampler;
import com.oneshotct.model.ops.Matcher;
import com.oneshotct.model.ops.Native;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The paper's segmentation step on one image: the sum of the five Mask R-CNN losses, backward, one optimiser
 * update. Images must already have the configured size (the synthetic generator writes them so); boxes and masks
 * are taken as they are.
 */
public final class SegmentationStep {
    public static final List<String> LOSSES = List.of("rpn_objectness", "rpn_box", "roi_classifier", "roi_box", "mask");

    private final OneShotNet net;
    private final NDManager manager;
    private final ParameterStore ps;
    private final NDArray anchors;
    private final Proposals proposals;
    private final RpnLoss rpnLoss;
    private final RoiHeadsLoss roiLoss;
    private final Preprocess preprocess;
    private final Adam adam;
    private final List<NDArray> params;
    private final RandomGenerator rng;
    private int skipped;

    public SegmentationStep(OneShotNet net, NDManager manager, Adam adam, RandomGenerator rng) {
        var c = net.config();
        this.net = net;
        this.manager = manager;
        this.ps = new ParameterStore(manager, false);
        this.anchors = SegmentationInference.anchors(manager, c);
        this.proposals = Proposals.of(c);
        this.rpnLoss = new RpnLoss(new Matcher(c.rpnFgIou(), c.rpnBgIou(), true),
                new BalancedSampler(c.rpnBatchSize(), c.rpnPositiveFraction()));
        this.roiLoss = new RoiHeadsLoss(c.spatialScale(), c.samplingRatio(), 2 * c.maskPoolSize());
        this.preprocess = new Preprocess(c.imageSize(), c.imageSize());
        this.adam = adam;
        this.params = net.segmentationParameters();
        this.rng = rng;
    }

    /**
     * Trains on one sample (resized to the model's size when it differs, see
     * {@link SegmentationSample#resized}), updating only {@link OneShotNet#segmentationParameters()} (the optimiser may hold
     * more, as the paper's shared one does); returns the five losses by name (see {@link #LOSSES}). */
    public Map<String, Float> run(SegmentationSample sample) {
        return run(sample, losses -> { });
    }

    /**
     * As {@link #run(SegmentationSample)}, calling {@code beforeUpdate} with the five losses after the backward pass
     * and before the optimiser moves the weights (where the authors' {@code train.py} copies the s2 heads).
     */
    public Map<String, Float> run(SegmentationSample sample, Consumer<Map<String, Float>> beforeUpdate) {
        int size = net.config().imageSize();
        sample = sample.resized(size, size);
        Map<String, Float> out = new LinkedHashMap<>();
        try (NDManager step = manager.newSubManager()) {
            NDArray image = preprocess.apply(step, sample.image()).expandDims(0);
            List<InstanceMask> masks = sample.instances();
            float[] boxes = new float[masks.size() * 4];
            long[] labels = new long[masks.size()];
            for (int i = 0; i < masks.size(); i++) {
                Instance inst = masks.get(i).instance();
                int[] b = inst.box().toArray();
                for (int j = 0; j < 4; j++) {
                    boxes[i * 4 + j] = b[j];
                }
                labels[i] = inst.label();
            }
            NDArray gt = Native.owned(step.create(boxes, new Shape(masks.size(), 4)));
            // the losses index the anchors; a per-step copy keeps those temporaries in this step's manager
            NDArray anchorsHere = anchors.duplicate();
            anchorsHere.attach(step);
            adam.zeroGradients(params);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // one image is no batch to take BatchNorm statistics from: under TRAIN_BATCH_EVAL_RUNNING it
                // normalises with the running statistics (as at inference), which only classification batches move
                NDArray features = net.features(ps, image, net.config().bnMode() != BnMode.TRAIN_BATCH_EVAL_RUNNING);
                NDList rpn = net.rpnHead(ps, features, true);
                NDArray props = proposals.filter(rpn.get(0), rpn.get(1), anchorsHere, size, size).get(0);
                NDList losses = rpnLoss.compute(Proposals.flattenObjectness(rpn.get(0)),
                        Proposals.flattenDeltas(rpn.get(1)), anchorsHere, gt, rng);
                losses.addAll(roiLoss.compute(ps, net, features, props, gt, labels, masks, rng));
                // an op that made its result on the host would surface here, not as a slow GPU step
                Devices.require(manager.getDevice(), "segmentation step", losses.toArray(new NDArray[0]));
                NDArray total = losses.get(0);
                for (int i = 1; i < losses.size(); i++) {
                    total = total.add(losses.get(i));
                }
                gc.backward(total);
                for (int i = 0; i < LOSSES.size(); i++) {
                    out.put(LOSSES.get(i), losses.get(i).getFloat());
                }
            }
            beforeUpdate.accept(Collections.unmodifiableMap(out));
            if (!adam.updateIfFinite(params)) {
                skipped++;
            }
        }
        return out;
    }

    /** Steps whose gradients were not finite, so that no update was made (their losses are returned as they were). */
    public int skippedSteps() {
        return skipped;
    }
}
