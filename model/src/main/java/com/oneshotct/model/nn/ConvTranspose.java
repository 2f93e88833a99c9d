package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.ConvTranspose2d} for the one case the model has: kernel = stride, no padding (the mask
 * predictor's 2x2/2 upsampling). {@code weight} (in, out, k, k), {@code bias} (out).
 *
 * <p>DJL's PyTorch engine has no deconvolution, but with kernel = stride the output windows do not overlap:
 * {@code y[n, o, k*i + a, k*j + b] = bias[o] + sum_c x[n, c, i, j] * w[c, o, a, b]}, one matrix product
 * (N*H*W, in) x (in, out*k*k) and a reshuffle, which autograd differentiates like any other op.
 */
public final class ConvTranspose extends NetBlock implements KindedBlock {
    private final int in;
    private final int out;
    private final int k;
    private final Parameter weight;
    private final Parameter bias;

    public ConvTranspose(int in, int out, int kernelAndStride, Initializer weightInit) {
        if (in <= 0 || out <= 0 || kernelAndStride <= 0) {
            throw new IllegalArgumentException(
                    "bad transposed conv: in " + in + ", out " + out + ", kernel " + kernelAndStride);
        }
        this.in = in;
        this.out = out;
        this.k = kernelAndStride;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(in, out, k, k), weightInit);
        bias = param("bias", Parameter.Type.BIAS, new Shape(out), Initializer.ZEROS);
    }

    @Override
    public ParamKind kindOf(String name) {
        return "weight".equals(name) ? ParamKind.WEIGHT_T : null;
    }

    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != in) {
            throw badInput(this, new Shape(-1, in, -1, -1), s);
        }
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray wt = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        NDArray rows = x.transpose(0, 2, 3, 1).reshape(n * h * w, in);
        // views of the parameters belong to this call's manager, not the model's, or each call leaks them
        NDArray kernel = wt.reshape(in, (long) out * k * k);
        kernel.attach(x.getManager());
        NDArray shift = b.reshape(1, out, 1, 1);
        shift.attach(x.getManager());
        NDArray y = rows.matMul(kernel);
        return y.reshape(n, h, w, out, k, k).transpose(0, 3, 1, 4, 2, 5).reshape(n, out, h * k, w * k)
                .add(shift);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), out, s.get(2) * k, s.get(3) * k)};
    }
}
