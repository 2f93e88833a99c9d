package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.ops.BalancedSampler;
import com.oneshotct.model.ops.BoxCoder;
import com.oneshotct.model.ops.BoxOps;
import com.oneshotct.model.ops.Matcher;
import com.oneshotct.model.ops.Native;
import java.util.random.RandomGenerator;

/**
 * RPN training targets and losses for one image (torchvision's {@code assign_targets_to_anchors} and
 * {@code compute_loss}): anchors matched at IoU 0.7 / 0.3 with low-quality matches, 256 sampled (75 % positive at
 * most, model-spec section 3), BCE on the sampled logits and L1 on the positives' deltas over the sampled count.
 */
public final class RpnLoss {
    private final Matcher matcher;
    private final BalancedSampler sampler;
    private final BoxCoder coder = BoxCoder.rpn();

    public RpnLoss(Matcher matcher, BalancedSampler sampler) {
        this.matcher = matcher;
        this.sampler = sampler;
    }

    public static RpnLoss reference() {
        return new RpnLoss(Matcher.rpn(), BalancedSampler.rpn());
    }

    /**
     * @param objectness (N) logits in the anchors' order (see {@link Proposals#flattenObjectness})
     * @param deltas (N, 4) (see {@link Proposals#flattenDeltas})
     * @param anchors (N, 4)
     * @param gtBoxes (G, 4), G may be 0 (every anchor is then background)
     * @param rng the training loop's sampler RNG (its state is checkpointed)
     * @return (objectness loss, box loss)
     */
    public NDList compute(NDArray objectness, NDArray deltas, NDArray anchors, NDArray gtBoxes,
            RandomGenerator rng) {
        NDManager manager = objectness.getManager();
        int n = (int) anchors.getShape().get(0);
        int g = (int) gtBoxes.getShape().get(0);
        long[] labels = new long[n];
        long[] matched = new long[n];
        if (g > 0) {
            long[] match = matcher.match(BoxOps.iou(BoxOps.toFloats(gtBoxes), BoxOps.toFloats(anchors)), g, n);
            for (int i = 0; i < n; i++) {
                labels[i] = match[i] >= 0 ? 1 : match[i] == Matcher.BELOW_LOW_THRESHOLD ? 0 : -1;
                matched[i] = Math.max(match[i], 0);
            }
        }
        BalancedSampler.Sample sample = sampler.sample(labels, rng);
        int[] all = sample.all();
        float[] sampledLabels = new float[all.length];
        for (int i = 0; i < all.length; i++) {
            sampledLabels[i] = labels[all[i]];
        }
        NDArray sampledLogits = objectness.get(BoxOps.indices(manager, all));
        int[] pos = sample.positive();
        int[] gtOfPos = new int[pos.length];
        for (int i = 0; i < pos.length; i++) {
            gtOfPos[i] = (int) matched[pos[i]];
        }
        NDArray posIdx = BoxOps.indices(manager, pos);
        NDArray targets = pos.length == 0 ? manager.zeros(new Shape(0, 4))
                : coder.encode(gtBoxes.get(BoxOps.indices(manager, gtOfPos)), anchors.get(posIdx));
        return Losses.rpn(sampledLogits, Native.owned(manager.create(sampledLabels)), deltas.get(posIdx), targets);
    }
}
