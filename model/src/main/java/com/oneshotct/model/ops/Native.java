package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java data, in memory that libtorch owns.
 *
 * <p>DJL's PyTorch engine creates an array from Java data with {@code torch::from_blob} over a direct buffer, and
 * only the NDArray object it returns keeps that buffer reachable. Views of the array, and the tensors autograd saves
 * for the backward pass, do not: once that object is closed (its manager closed), the garbage collector may free the
 * buffer while libtorch still reads it. RoIAlign's interpolation matrices were such tensors, so a GC between forward
 * and backward corrupted gradients now and then: runs with one seed stopped agreeing, rarely a step went non-finite.
 * Every array made from Java data therefore goes through {@link #owned}.
 *
 * <p>DJL's arithmetic with a Java number ({@code x.mul(0.5f)}, {@code x.div(n)}, {@code x.maximum(0f)}) makes the
 * number such an array and closes it at once; where autograd saves the operand for backward, the same happens. In
 * code that is differentiated, the number is a {@link #scalar} instead.
 */
public final class Native {
    private Native() {
    }

    /** A libtorch-owned copy of {@code fromJava}, in the same manager; {@code fromJava} is closed. */
    public static NDArray owned(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }

    /** A 0-d array of {@code value} that libtorch owns, with the type, device and manager of {@code like}. */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }

    /** {@code x * 0}: keeps {@code x}'s graph (zero gradients) where a loss has no term, e.g. no positive RoI. */
    public static NDArray zeroTimes(NDArray x) {
        return x.mul(scalar(x, 0));
    }
}
