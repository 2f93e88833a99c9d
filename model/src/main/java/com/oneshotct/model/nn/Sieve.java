package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.BnMode;

/**
 * The attention layer's "sieve" ({@code attn_layer.sieve.0}, model-spec 5 step 5): {@code conv_down} 2x2/2
 * C -> C/2, {@code bn}, ReLU, {@code conv_up} transposed 2x2/2 C/2 -> C. Its output replaces the RoI features
 * (no product or sum with them: {@code attention_head.npz} rules those out). Init as the authors'
 * {@code MaskFeaturesSieve} ({@link Init#authors}).
 */
public final class Sieve extends NetBlock {
    private final Conv convDown;
    private final BatchNorm2d bn;
    private final ConvTranspose convUp;

    public Sieve(int channels, double bnEps, double bnMomentum, BnMode mode) {
        if (channels <= 0 || channels % 2 != 0) {
            throw new IllegalArgumentException("sieve needs an even channel count, got " + channels);
        }
        int half = channels / 2;
        convDown = addChildBlock("conv_down",
                new Conv(channels, half, 2, 2, 0, 1, true, Init.kaimingNormalFanOut()));
        bn = addChildBlock("bn", new BatchNorm2d(half, bnEps, bnMomentum, mode));
        convUp = addChildBlock("conv_up", new ConvTranspose(half, channels, 2, Init.kaimingNormalFanOut()));
        Init.authors(this);
    }

    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return apply(ps, x, 1, training);
    }

    /** {@code x} holds {@code sequences} images' RoIs one after the other; see {@link BatchNorm2d}'s groups. */
    public NDArray apply(ParameterStore ps, NDArray x, int sequences, boolean training) {
        return convUp.apply(ps,
                Activation.relu(bn.apply(ps, convDown.apply(ps, x, training), sequences, training)), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), s.get(2) / 2 * 2, s.get(3) / 2 * 2)};
    }
}
