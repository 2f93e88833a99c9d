package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.oneshotct.model.ops.Native;

/**
 * The five Mask R-CNN losses of model-spec sections 3 and 4, on NDArrays so autograd flows through them.
 * Reductions follow the reference: the RPN box loss is L1 (not smooth L1) divided by the number of sampled anchors;
 * the RoI box loss is smooth L1 with beta 1 divided by the number of sampled RoIs.
 */
public final class Losses {
    private Losses() {}

    /** Mean binary cross-entropy with logits, in the numerically stable form max(x,0) - x*y + log(1 + exp(-|x|)). */
    public static NDArray bceWithLogits(NDArray logits, NDArray targets) {
        NDArray loss = logits.maximum(Native.scalar(logits, 0)).sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1f).log());
        return loss.mean();
    }

    /**
     * RPN losses.
     *
     * @param objectness logits of the sampled anchors (S)
     * @param labels 1 for positive, 0 for negative sampled anchors (S), float
     * @param deltas predicted deltas of the positive sampled anchors (P, 4)
     * @param targets encoded matched boxes of those anchors (P, 4)
     * @return (objectness loss, box loss)
     */
    public static NDList rpn(NDArray objectness, NDArray labels, NDArray deltas, NDArray targets) {
        long sampled = objectness.getShape().get(0);
        NDArray cls = bceWithLogits(objectness, labels.toType(objectness.getDataType(), false));
        NDArray l1 = deltas.sub(targets).abs().sum();
        NDArray box = l1.div(Native.scalar(l1, Math.max(sampled, 1)));
        return new NDList(cls, box);
    }

    /**
     * RoI box-head losses (torchvision's fastrcnn_loss with the reference's beta 1).
     *
     * @param classLogits (S, K) logits of the sampled RoIs
     * @param labels (S) int64 class per RoI, 0 for background
     * @param boxRegression (S, 4K) per-class deltas
     * @param targets (S, 4) encoded matched boxes (rows of background RoIs are ignored)
     * @return (classifier loss, box loss)
     */
    public static NDList fastRcnn(NDArray classLogits, NDArray labels, NDArray boxRegression, NDArray targets) {
        long s = classLogits.getShape().get(0);
        long k = classLogits.getShape().get(1);
        NDArray logp = classLogits.logSoftmax(1);
        NDArray cls = pickRows(logp, labels).neg().mean();
        long[] lab = labels.toType(DataType.INT64, false).toLongArray();
        int positives = 0;
        for (long l : lab) {
            positives += l > 0 ? 1 : 0;
        }
        NDArray box;
        if (positives == 0) {
            box = Native.zeroTimes(boxRegression.sum());
        } else {
            long[] rows = new long[positives];
            long[] flat = new long[positives];
            for (int i = 0, p = 0; i < lab.length; i++) {
                if (lab[i] > 0) {
                    rows[p] = i;
                    flat[p++] = i * k + lab[i];
                }
            }
            NDArray perClass = boxRegression.reshape(s * k, 4);
            NDArray pred = perClass.get(new NDIndex("{}", Native.owned(labels.getManager().create(flat))));
            NDArray target = targets.get(new NDIndex("{}", Native.owned(labels.getManager().create(rows))));
            NDArray sum = smoothL1(pred.sub(target), 1f).sum();
            box = sum.div(Native.scalar(sum, s));
        }
        return new NDList(cls, box);
    }

    /**
     * Mask loss: BCE with logits on the channel of each positive RoI's class, mean over every pixel.
     *
     * @param maskLogits (P, K, M, M)
     * @param labels (P) int64 classes of the positive RoIs (all > 0)
     * @param targets (P, M, M) mask targets in [0, 1]
     */
    public static NDArray mask(NDArray maskLogits, NDArray labels, NDArray targets) {
        long p = maskLogits.getShape().get(0);
        if (p == 0) {
            return Native.zeroTimes(maskLogits.sum());
        }
        long k = maskLogits.getShape().get(1);
        long m = maskLogits.getShape().get(2);
        long[] lab = labels.toType(DataType.INT64, false).toLongArray();
        long[] flat = new long[lab.length];
        for (int i = 0; i < lab.length; i++) {
            flat[i] = i * k + lab[i];
        }
        NDArray chosen = maskLogits.reshape(p * k, m, m).get(new NDIndex("{}", Native.owned(labels.getManager().create(flat))));
        return bceWithLogits(chosen, targets.toType(chosen.getDataType(), false));
    }

    /** Element-wise smooth L1: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta. */
    static NDArray smoothL1(NDArray d, float beta) {
        NDArray a = d.abs();
        NDArray quad = a.square().mul(Native.scalar(a, 0.5f / beta));
        NDArray lin = a.sub(0.5f * beta);
        return NDArrays.where(a.lt(beta), quad, lin);
    }

    /** logp[i, labels[i]] for every row i. */
    private static NDArray pickRows(NDArray logp, NDArray labels) {
        NDArray idx = labels.toType(DataType.INT64, false).reshape(-1, 1);
        return logp.gather(idx, 1).reshape(-1);
    }
}
