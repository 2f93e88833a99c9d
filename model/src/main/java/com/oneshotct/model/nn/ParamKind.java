package com.oneshotct.model.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

/**
 * What a parameter is, in the words of {@code oneshot_forward_weights.tsv}: decides its closed-formula value
 * ({@link FormulaWeights}) and whether it counts as a trainable parameter.
 */
public enum ParamKind {
    /** Conv or linear weight; fan-in = n / shape[0]. */
    WEIGHT("weight"),
    /** Transposed-conv weight, PyTorch shape (in, out, k, k); fan-in = n / shape[1]. */
    WEIGHT_T("weight_t"),
    BIAS("bias"),
    BN_WEIGHT("bn_weight"),
    BN_BIAS("bn_bias"),
    /** A buffer, not a parameter: BatchNorm running mean. */
    BN_MEAN("running_mean"),
    /** A buffer, not a parameter: BatchNorm running variance. */
    BN_VAR("running_var"),
    /** The four tensors of an LSTM layer. */
    LSTM("lstm");

    private final String tsv;

    ParamKind(String tsv) {
        this.tsv = tsv;
    }

    /** The kind's name in the weights tsv. */
    public String tsv() {
        return tsv;
    }

    /** Running statistics are state, not parameters: PyTorch does not count them, nor does an optimiser. */
    public boolean buffer() {
        return this == BN_MEAN || this == BN_VAR;
    }

    /** By its tsv name. */
    public static ParamKind ofTsv(String name) {
        for (ParamKind k : values()) {
            if (k.tsv.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown parameter kind '" + name + "'");
    }

    /**
     * The kind of {@code parameter} of {@code owner}: the owner's word if it is a {@link KindedBlock}, otherwise
     * the DJL parameter type (so DJL's own blocks, e.g. its BatchNorm with gamma/beta, work too).
     */
    public static ParamKind of(Block owner, Parameter parameter) {
        if (owner instanceof KindedBlock k) {
            ParamKind kind = k.kindOf(parameter.getName());
            if (kind != null) {
                return kind;
            }
        }
        return switch (parameter.getType()) {
            case WEIGHT -> WEIGHT;
            case BIAS -> BIAS;
            case GAMMA -> BN_WEIGHT;
            case BETA -> BN_BIAS;
            case RUNNING_MEAN -> BN_MEAN;
            case RUNNING_VAR -> BN_VAR;
            case OTHER -> throw new IllegalArgumentException(
                    "parameter '" + parameter.getName() + "' of " + owner.getClass().getSimpleName()
                            + " has no kind: its block must implement KindedBlock");
        };
    }
}
