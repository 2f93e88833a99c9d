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
 */
public final class BatchNorm2d extends NetBlock {
    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private BnMode mode;

    /** PyTorch's momentum convention: {@code momentum} is the weight of the new batch (0.1). */
    public BatchNorm2d(int channels, double eps, double momentum, BnMode mode) {
        if (channels <= 0 || !(eps > 0) || !(momentum > 0 && momentum <= 1) || mode == null) {
            throw new IllegalArgumentException(
                    "bad batch norm: channels " + channels + ", eps " + eps + ", momentum " + momentum + ", " + mode);
        }
        this.channels = channels;
        this.eps = (float) eps;
        this.momentum = (float) momentum;
        this.mode = mode;
        Shape s = new Shape(channels);
        weight = param("weight", Parameter.Type.GAMMA, s, Initializer.ONES);
        bias = param("bias", Parameter.Type.BETA, s, Initializer.ZEROS);
        runningMean = param("running_mean", Parameter.Type.RUNNING_MEAN, s, Initializer.ZEROS);
        runningVar = param("running_var", Parameter.Type.RUNNING_VAR, s, Initializer.ONES);
    }

    static BatchNorm2d of(int channels, ModelConfig config) {
        return new BatchNorm2d(channels, config.bnEps(), config.bnMomentum(), config.bnMode());
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

    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
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
        // PyTorch's batch_norm updates whatever running statistics it is given: give it throw-away copies.
        try (NDArray m = mean.duplicate(); NDArray v = var.duplicate()) {
            return BatchNorm.batchNorm(x, m, v, w, b, 1, djlMomentum, eps, true).singletonOrThrow();
        }
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
