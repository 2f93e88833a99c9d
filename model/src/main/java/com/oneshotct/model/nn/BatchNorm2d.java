package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.ModelConfig;

/**
 * PyTorch's {@code nn.BatchNorm2d} with its names: parameters {@code weight}, {@code bias}, buffers
 * {@code running_mean}, {@code running_var} (DJL parameters that take no gradient). Which statistics it normalises
 * with is its {@link BnMode}, not DJL's {@code training} flag: the reference infers with batch statistics.
 *
 * <p>Computed by PyTorch's own {@code batch_norm} through DJL, so the numbers are PyTorch's: batch statistics with
 * the biased variance for normalising, running statistics updated in place with the unbiased variance,
 * {@code running = (1 - momentum) * running + momentum * batch} with PyTorch's momentum (0.1). DJL's momentum is
 * the complement (0.9), converted here; its float arithmetic makes the effective momentum 0.1 + 2.4e-8.
 *
 * <p>Batch statistics at inference ({@link BnMode#BATCH_STATS} without training) are those of one input, as the
 * reference infers one image at a time: a batch of several inputs is normalised group by group, each group with
 * its own statistics, so a batched inference equals the inputs' one-at-a-time inferences. A backbone BatchNorm
 * ({@link #of}) takes each image of its batch as a group; others take the groups their caller names (the attention
 * layer: one image's sequence of RoIs). Training statistics always span the whole batch.
 */
public final class BatchNorm2d extends NetBlock {
    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final boolean perImage;
    private BnMode mode;

    /** PyTorch's momentum convention: {@code momentum} is the weight of the new batch (0.1). */
    public BatchNorm2d(int channels, double eps, double momentum, BnMode mode) {
        this(channels, eps, momentum, mode, false);
    }

    /** @param perImage whether batch statistics at inference are each image's own (a backbone BatchNorm) */
    BatchNorm2d(int channels, double eps, double momentum, BnMode mode, boolean perImage) {
        if (channels <= 0 || !(eps > 0) || !(momentum > 0 && momentum <= 1) || mode == null) {
            throw new IllegalArgumentException(
                    "bad batch norm: channels " + channels + ", eps " + eps + ", momentum " + momentum + ", " + mode);
        }
        this.channels = channels;
        this.eps = (float) eps;
        this.momentum = (float) momentum;
        this.mode = mode;
        this.perImage = perImage;
        Shape s = new Shape(channels);
        weight = param("weight", Parameter.Type.GAMMA, s, Initializer.ONES);
        bias = param("bias", Parameter.Type.BETA, s, Initializer.ZEROS);
        runningMean = param("running_mean", Parameter.Type.RUNNING_MEAN, s, Initializer.ZEROS);
        runningVar = param("running_var", Parameter.Type.RUNNING_VAR, s, Initializer.ONES);
    }

    static BatchNorm2d of(int channels, ModelConfig config) {
        return new BatchNorm2d(channels, config.bnEps(), config.bnMomentum(), config.bnMode(), true);
    }

    public BnMode mode() {
        return mode;
    }

    public void setMode(BnMode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("BatchNorm mode must not be null");
        }
        this.mode = mode;
    }

    /** One group per image for a backbone BatchNorm, else the whole batch as one group. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return apply(ps, x, perImage ? (int) x.getShape().get(0) : 1, training);
    }

    /**
     * @param groups how many inputs {@code x} holds one after the other along axis 0, each normalised with its own
     *     statistics where batch statistics are used at inference (elsewhere ignored)
     */
    public NDArray apply(ParameterStore ps, NDArray x, int groups, boolean training) {
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != channels) {
            throw badInput(this, new Shape(-1, channels, -1, -1), x.getShape());
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        NDArray mean = ps.getValue(runningMean, x.getDevice(), training);
        NDArray var = ps.getValue(runningVar, x.getDevice(), training);
        float djlMomentum = 1f - momentum;
        if (mode == BnMode.RUNNING_STATS || (mode == BnMode.TRAIN_BATCH_EVAL_RUNNING && !training)) {
            return BatchNorm.batchNorm(x, mean, var, w, b, 1, djlMomentum, eps, false).singletonOrThrow();
        }
        if (training) {
            return BatchNorm.batchNorm(x, mean, var, w, b, 1, djlMomentum, eps, true).singletonOrThrow();
        }
        long n = x.getShape().get(0);
        if (groups < 1 || n % groups != 0) {
            throw new IllegalArgumentException("BatchNorm: " + n + " inputs do not split into " + groups + " groups");
        }
        if (groups == 1) {
            // PyTorch's batch_norm updates whatever running statistics it is given: give it throw-away copies.
            try (NDArray m = mean.duplicate(); NDArray v = var.duplicate()) {
                return BatchNorm.batchNorm(x, m, v, w, b, 1, djlMomentum, eps, true).singletonOrThrow();
            }
        }
        return grouped(x, groups, w, b, mean, var, djlMomentum);
    }

    /**
     * Each group's own batch statistics, in one call (as PyTorch's instance_norm does it): (G*n, C, H, W) is viewed
     * as (n, G*C, H, W), whose channel g*C + c holds channel c of group g, and the per-channel values are repeated
     * G times, so batch_norm's per-channel reduction over (n, H, W) is exactly group g's over its n inputs.
     */
    private NDArray grouped(NDArray x, int groups, NDArray w, NDArray b, NDArray mean, NDArray var, float momentum) {
        Shape s = x.getShape();
        long per = s.get(0) / groups;
        long h = s.get(2);
        long wd = s.get(3);
        // one input per group is a plain view; several need their axes swapped
        NDArray in = per == 1 ? x.reshape(1, groups * channels, h, wd)
                : x.reshape(groups, per, channels, h, wd).transpose(1, 0, 2, 3, 4)
                        .reshape(per, groups * channels, h, wd);
        NDArray y;
        // the repeated values live in the parameters' manager: free them here
        try (NDArray gw = w.tile(groups); NDArray gb = b.tile(groups); NDArray gm = mean.tile(groups);
                NDArray gv = var.tile(groups)) {
            y = BatchNorm.batchNorm(in, gm, gv, gw, gb, 1, momentum, eps, true).singletonOrThrow();
        }
        return per == 1 ? y.reshape(s)
                : y.reshape(per, groups, channels, h, wd).transpose(1, 0, 2, 3, 4).reshape(s);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }
}
