package com.oneshotct.model.nn;

/**
 * A block whose parameters' {@link ParamKind} does not follow from their DJL type alone (a transposed conv's
 * weight is laid out (in, out, k, k); an LSTM's tensors have a kind of their own).
 */
public interface KindedBlock {
    /** The kind of the direct parameter {@code name}, or null to fall back on its DJL type. */
    ParamKind kindOf(String name);
}
