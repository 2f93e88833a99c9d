package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's one-layer unidirectional {@code nn.LSTM(in, hidden, batch_first=True)} with zero initial state:
 * {@code weight_ih_l0} (4H, in), {@code weight_hh_l0} (4H, H), {@code bias_ih_l0}, {@code bias_hh_l0} (4H), gates
 * stacked in PyTorch's order i, f, g, o.
 *
 * <p>Written from NDArray operations rather than DJL's LSTM, whose PyTorch-engine parameters are one flattened
 * tensor under other names: the reference's keys and layout must load as they are. The input projection of every
 * step is one matrix product; only the recurrent product runs per step (the model's sequences have 16 steps).
 */
public final class Lstm extends NetBlock implements KindedBlock {
    private final int in;
    private final int hidden;
    private final Parameter weightIh;
    private final Parameter weightHh;
    private final Parameter biasIh;
    private final Parameter biasHh;

    /** With PyTorch's initialisation: every tensor U(-1/sqrt(H), 1/sqrt(H)). */
    public Lstm(int in, int hidden) {
        if (in <= 0 || hidden <= 0) {
            throw new IllegalArgumentException("bad LSTM: in " + in + ", hidden " + hidden);
        }
        this.in = in;
        this.hidden = hidden;
        Initializer init = Init.linearDefault(hidden);
        weightIh = param("weight_ih_l0", Parameter.Type.WEIGHT, new Shape(4L * hidden, in), init);
        weightHh = param("weight_hh_l0", Parameter.Type.WEIGHT, new Shape(4L * hidden, hidden), init);
        biasIh = param("bias_ih_l0", Parameter.Type.BIAS, new Shape(4L * hidden), init);
        biasHh = param("bias_hh_l0", Parameter.Type.BIAS, new Shape(4L * hidden), init);
    }

    @Override
    public ParamKind kindOf(String name) {
        return ParamKind.LSTM;
    }

    public int hidden() {
        return hidden;
    }

    /**
     * Runs the sequence {@code x} (B, T, in).
     *
     * @return as PyTorch: output (B, T, H) = every step's h, h_last (1, B, H), c_last (1, B, H)
     */
    public NDList apply(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 3 || s.get(2) != in || s.get(1) < 1) {
            throw badInput(this, new Shape(-1, -1, in), s);
        }
        long b = s.get(0);
        long t = s.get(1);
        NDArray wIh = ps.getValue(weightIh, x.getDevice(), training);
        NDArray wHh = ps.getValue(weightHh, x.getDevice(), training);
        NDArray bIh = ps.getValue(biasIh, x.getDevice(), training);
        NDArray bHh = ps.getValue(biasHh, x.getDevice(), training);
        // views of the parameters belong to this call's manager, not the model's, or each call leaks them
        NDArray recurrent = wHh.transpose();
        recurrent.attach(x.getManager());
        NDArray bias = bIh.add(bHh);
        bias.attach(x.getManager());
        NDArray projected = Linear.linear(x.reshape(b * t, in), wIh, bias).singletonOrThrow()
                .reshape(b, t, 4L * hidden);
        NDArray h = x.getManager().zeros(new Shape(b, hidden), x.getDataType(), x.getDevice());
        NDArray c = h;
        List<NDArray> steps = new ArrayList<>();
        for (long i = 0; i < t; i++) {
            NDArray gates = projected.get(":, {}, :", i).add(h.matMul(recurrent));
            NDList g = gates.split(4, 1);
            c = c.mul(sigmoid(g.get(1))).add(sigmoid(g.get(0)).mul(g.get(2).tanh()));
            h = sigmoid(g.get(3)).mul(c.tanh());
            steps.add(h);
        }
        NDArray output = NDArrays.stack(new NDList(steps), 1);
        return new NDList(output, h.expandDims(0), c.expandDims(0));
    }

    private static NDArray sigmoid(NDArray x) {
        return Activation.sigmoid(x);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return apply(ps, inputs.singletonOrThrow(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        Shape state = new Shape(1, s.get(0), hidden);
        return new Shape[] {new Shape(s.get(0), s.get(1), hidden), state, state};
    }
}
