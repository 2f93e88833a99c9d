package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.data.InstanceMask;
import com.oneshotct.model.ops.BalancedSampler;
import com.oneshotct.model.ops.BoxCoder;
import com.oneshotct.model.ops.BoxOps;
import com.oneshotct.model.ops.MaskTargets;
import com.oneshotct.model.ops.Matcher;
import com.oneshotct.model.ops.Native;
import com.oneshotct.model.ops.RoiAlign;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Training of the segmentation RoI heads for one image (torchvision's {@code select_training_samples},
 * {@code fastrcnn_loss} and {@code maskrcnn_loss}): proposals plus the GT boxes, matched at IoU 0.75 / 0.5 without
 * low-quality matches, 256 sampled (50 % positive at most), box head on RoIAlign 7x7, mask head on RoIAlign 14x14 of
 * the positives against 28x28 mask targets.
 */
public final class RoiHeadsLoss {
    private final Matcher matcher = Matcher.roi();
    private final BalancedSampler sampler = BalancedSampler.roi();
    private final BoxCoder coder = BoxCoder.roi();
    private final RoiAlign boxPool;
    private final RoiAlign maskPool;
    private final int maskSize;

    public RoiHeadsLoss(double spatialScale, int samplingRatio, int maskSize) {
        this.boxPool = new RoiAlign(7, spatialScale, samplingRatio);
        this.maskPool = new RoiAlign(14, spatialScale, samplingRatio);
        this.maskSize = maskSize;
    }

    /** RoIAlign at 1/32 with sampling ratio 2, 28x28 mask targets. */
    public static RoiHeadsLoss reference() {
        return new RoiHeadsLoss(1.0 / 32, 2, 28);
    }

    /**
     * @param features (1, 256, h, w)
     * @param proposals (P, 4), detached
     * @param gtBoxes (G, 4); G may be 0
     * @param gtLabels G labels in 1..3
     * @param gtMasks G instance masks at the image's size
     * @return (classifier loss, box loss, mask loss)
     */
    public NDList compute(ParameterStore ps, OneShotNet net, NDArray features, NDArray proposals, NDArray gtBoxes,
            long[] gtLabels, List<InstanceMask> gtMasks, RandomGenerator rng) {
        NDManager manager = features.getManager();
        int g = (int) gtBoxes.getShape().get(0);
        NDArray all = g > 0 ? NDArrays.concat(new NDList(proposals, gtBoxes)) : proposals;
        int n = (int) all.getShape().get(0);
        long[] labels = new long[n];
        int[] matched = new int[n];
        if (g > 0) {
            long[] match = matcher.match(BoxOps.iou(BoxOps.toFloats(gtBoxes), BoxOps.toFloats(all)), g, n);
            for (int i = 0; i < n; i++) {
                labels[i] = match[i] >= 0 ? gtLabels[(int) match[i]] : match[i] == Matcher.BELOW_LOW_THRESHOLD ? 0 : -1;
                matched[i] = (int) Math.max(match[i], 0);
            }
        }
        int[] chosen = sampler.sample(labels, rng).sorted();
        int s = chosen.length;
        long[] sampledLabels = new long[s];
        int[] sampledGt = new int[s];
        int positives = 0;
        for (int i = 0; i < s; i++) {
            sampledLabels[i] = labels[chosen[i]];
            sampledGt[i] = matched[chosen[i]];
            positives += sampledLabels[i] > 0 ? 1 : 0;
        }
        NDArray boxes = all.get(BoxOps.indices(manager, chosen));
        NDArray targets = g > 0 ? coder.encode(gtBoxes.get(BoxOps.indices(manager, sampledGt)), boxes)
                : manager.zeros(new Shape(s, 4));
        NDList head = net.boxHead(ps, boxPool.apply(features, withBatchIndex(boxes)), true);
        NDList boxLosses = Losses.fastRcnn(head.get(0), Native.owned(manager.create(sampledLabels)), head.get(1), targets);

        int[] posRows = new int[positives];
        int[] posGt = new int[positives];
        long[] posLabels = new long[positives];
        for (int i = 0, p = 0; i < s; i++) {
            if (sampledLabels[i] > 0) {
                posRows[p] = i;
                posGt[p] = sampledGt[i];
                posLabels[p++] = sampledLabels[i];
            }
        }
        NDArray maskLoss;
        if (positives == 0) {
            maskLoss = Native.zeroTimes(head.get(0).sum());
        } else {
            NDArray posBoxes = boxes.get(BoxOps.indices(manager, posRows));
            NDArray logits = net.maskHead(ps, maskPool.apply(features, withBatchIndex(posBoxes)), true);
            NDArray maskTargets = MaskTargets.build(manager, planes(gtMasks), posGt, posBoxes, maskSize);
            maskLoss = Losses.mask(logits, Native.owned(manager.create(posLabels)), maskTargets);
        }
        return new NDList(boxLosses.get(0), boxLosses.get(1), maskLoss);
    }

    /** (K, 4) boxes of image 0 as (K, 5) RoIs. */
    static NDArray withBatchIndex(NDArray boxes) {
        NDArray zeros = boxes.getManager().zeros(new Shape(boxes.getShape().get(0), 1), boxes.getDataType());
        return NDArrays.concat(new NDList(zeros, boxes), 1);
    }

    /** One image's instance masks as mask-target planes; they must all have the image's size. */
    static MaskTargets.Planes planes(List<InstanceMask> gt) {
        if (gt.isEmpty()) {
            return new MaskTargets.Planes(0, 0, 0, i -> null);
        }
        int width = gt.get(0).width();
        int height = gt.get(0).height();
        for (InstanceMask m : gt) {
            if (m.width() != width || m.height() != height) {
                throw new IllegalArgumentException("ground-truth masks of one image differ in size: " + width + "x"
                        + height + " and " + m.width() + "x" + m.height());
            }
        }
        return new MaskTargets.Planes(gt.size(), width, height, i -> gt.get(i).toFloats());
    }
}
