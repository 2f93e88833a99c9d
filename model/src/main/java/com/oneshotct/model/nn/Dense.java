package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.Linear}: {@code weight} (out, in), {@code bias} (out). An input of more than two dimensions is
 * flattened after the first, as torchvision's box head and predictor do with pooled RoIs.
 */
public final class Dense extends NetBlock {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    public Dense(int in, int out, Initializer weightInit, Initializer biasInit) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("bad linear layer: in " + in + ", out " + out);
        }
        this.in = in;
        this.out = out;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in), weightInit);
        bias = param("bias", Parameter.Type.BIAS, new Shape(out), biasInit);
    }

    /** With PyTorch's default initialisation of {@code nn.Linear}. */
    static Dense torchDefault(int in, int out) {
        return new Dense(in, out, Init.linearDefault(in), Init.linearDefault(in));
    }

    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray flat = x.getShape().dimension() == 2 ? x : x.reshape(x.getShape().get(0), -1);
        if (flat.getShape().dimension() != 2 || flat.getShape().get(1) != in) {
            throw badInput(this, new Shape(-1, in), x.getShape());
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return Linear.linear(flat, w, b).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), out)};
    }
}
