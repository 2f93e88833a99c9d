package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.BnMode;

/**
 * {@code attn_layer} (model-spec 5 steps 5-6): the RoI mask features of one image's sequence of N RoIs
 * (N, C, 28, 28) -> the positive and negative attention vectors (1, C).
 *
 * <p>{@link Sieve} ({@code sieve.0}); then three times conv -> ReLU -> BatchNorm ({@code conv_d1}/{@code bn1}
 * 2x2/2, {@code conv_d2}/{@code bn2} 2x2/2, {@code conv_d_final}/{@code bn3} 7x7 valid), the BatchNorms
 * normalising over the N RoIs -> sequence (1, N, C). Each branch ({@code lstm_pos}/{@code final_linear_pos},
 * {@code lstm_neg}/{@code final_linear_neg}): LSTM -> h_1..h_N; q = Linear(h_N); a = softmax_i(h_i . q);
 * o = sum_i a_i h_i + q.
 *
 * <p>Init as the authors' ({@link Init#authors}): convs kaiming_normal(fan_out, relu); every bias 0.01, the
 * BatchNorms' and LSTMs' included; LSTM and linear weights PyTorch's default uniform.
 */
public final class AttentionLayer extends NetBlock {
    /** The side the RoI features must have: two 2x2/2 convs then a 7x7 valid one reduce 28 to 1. */
    public static final int SIDE = 28;

    private final int channels;
    private final Sieve sieve;
    private final Conv convD1;
    private final BatchNorm2d bn1;
    private final Conv convD2;
    private final BatchNorm2d bn2;
    private final Conv convFinal;
    private final BatchNorm2d bn3;
    private final Lstm lstmPos;
    private final Lstm lstmNeg;
    private final Dense linearPos;
    private final Dense linearNeg;

    /** The two attention vectors of B sequences, each (B, C). */
    public record Vectors(NDArray positive, NDArray negative) {}

    public AttentionLayer(int channels, double bnEps, double bnMomentum, BnMode mode) {
        this.channels = channels;
        sieve = new Sieve(channels, bnEps, bnMomentum, mode);
        addChildBlock("sieve", new Seq(sieve));
        convD1 = addChildBlock("conv_d1", conv(2, 2));
        bn1 = addChildBlock("bn1", new BatchNorm2d(channels, bnEps, bnMomentum, mode));
        convD2 = addChildBlock("conv_d2", conv(2, 2));
        bn2 = addChildBlock("bn2", new BatchNorm2d(channels, bnEps, bnMomentum, mode));
        convFinal = addChildBlock("conv_d_final", conv(7, 1));
        bn3 = addChildBlock("bn3", new BatchNorm2d(channels, bnEps, bnMomentum, mode));
        lstmPos = addChildBlock("lstm_pos", new Lstm(channels, channels));
        lstmNeg = addChildBlock("lstm_neg", new Lstm(channels, channels));
        linearPos = addChildBlock("final_linear_pos", Dense.torchDefault(channels, channels));
        linearNeg = addChildBlock("final_linear_neg", Dense.torchDefault(channels, channels));
        Init.authors(this);
    }

    private Conv conv(int kernel, int stride) {
        return new Conv(channels, channels, kernel, stride, 0, 1, true, Init.kaimingNormalFanOut());
    }

    /**
     * The attention vectors of RoI features (N, C, 28, 28), N >= 2 (batch-statistics BatchNorm needs more than one
     * RoI); the RoIs' order is the sequence's.
     */
    public Vectors apply(ParameterStore ps, NDArray rois, boolean training) {
        return apply(ps, rois, 1, training);
    }

    /**
     * The attention vectors (B, C) of B sequences of equal length given one after the other, (B*N, C, 28, 28). The
     * BatchNorms normalise over all B*N RoIs together (the point of batching them: with batch statistics over one
     * image's RoIs, what all its RoIs share is normalised away); the LSTMs run the B sequences apart. Batch
     * statistics at inference are each sequence's own, as for one image alone ({@link BatchNorm2d}'s groups).
     */
    public Vectors apply(ParameterStore ps, NDArray rois, int sequences, boolean training) {
        Shape s = rois.getShape();
        if (sequences < 1 || s.dimension() != 4 || s.get(1) != channels || s.get(2) != SIDE || s.get(3) != SIDE
                || s.get(0) < 2 || s.get(0) % sequences != 0) {
            throw badInput(this, new Shape(16L * Math.max(sequences, 1), channels, SIDE, SIDE), s);
        }
        NDArray x = sieve.apply(ps, rois, sequences, training);
        x = bn1.apply(ps, Activation.relu(convD1.apply(ps, x, training)), sequences, training);
        x = bn2.apply(ps, Activation.relu(convD2.apply(ps, x, training)), sequences, training);
        x = bn3.apply(ps, Activation.relu(convFinal.apply(ps, x, training)), sequences, training);
        NDArray sequence = x.reshape(sequences, s.get(0) / sequences, channels);
        return new Vectors(branch(ps, sequence, lstmPos, linearPos, training),
                branch(ps, sequence, lstmNeg, linearNeg, training));
    }

    private static NDArray branch(ParameterStore ps, NDArray sequence, Lstm lstm, Dense linear, boolean training) {
        NDList run = lstm.apply(ps, sequence, training);
        NDArray steps = run.get(0); // (B, N, C)
        NDArray q = linear.apply(ps, run.get(1).squeeze(0), training); // (B, C)
        NDArray weights = steps.matMul(q.expandDims(2)).softmax(1); // (B, N, 1)
        return steps.mul(weights).sum(new int[] {1}).add(q);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Vectors v = apply(ps, inputs.singletonOrThrow(), training);
        return new NDList(v.positive(), v.negative());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape v = new Shape(1, channels);
        return new Shape[] {v, v};
    }
}
