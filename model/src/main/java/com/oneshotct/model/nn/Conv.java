package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A 2-d convolution as PyTorch's {@code nn.Conv2d} (square kernel, equal stride and padding on both axes, groups):
 * {@code weight} (out, in / groups, k, k), optional {@code bias} (out, zero-initialised). Input (N, in, H, W).
 */
public final class Conv extends NetBlock {
    static {
        Nnpack.quietWhereUnavailable(); // before the first convolution: see Nnpack
    }

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    public Conv(int in, int out, int kernel, int stride, int padding, int groups, boolean withBias,
            Initializer weightInit) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || groups <= 0
                || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(String.format(
                    "bad conv: in %d, out %d, kernel %d, stride %d, padding %d, groups %d",
                    in, out, kernel, stride, padding, groups));
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in / groups, kernel, kernel), weightInit);
        bias = withBias ? param("bias", Parameter.Type.BIAS, new Shape(out), Initializer.ZEROS) : null;
    }

    /** Bias-free, as every conv of a ResNet body. */
    static Conv plain(int in, int out, int kernel, int stride, int padding, int groups) {
        return new Conv(in, out, kernel, stride, padding, groups, false, Init.kaimingNormalFanOut());
    }

    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != in) {
            throw badInput(this, new Shape(-1, in, -1, -1), x.getShape());
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), groups)
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), out, side(s.get(2)), side(s.get(3)))};
    }

    private long side(long n) {
        return (n + 2L * padding - kernel) / stride + 1;
    }

    public int outChannels() {
        return out;
    }
}
