package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The closed-formula weights of the golden set ({@code golden/torchvision/KEYS.md}, {@code oneshot_forward.npz}):
 * every value a function of the parameter's state-dict key, its shape and kind, and a salt, so that tests and
 * benchmarks build the reference's exact weights without a weight file.
 *
 * <p>h = (FNV-1a-32(UTF-8 key) + salt) mod 2^32; x_i = (i * 2654435761 + h) mod 2^32; u_i = x_i / 2^32 * 2 - 1 in
 * double; then by kind: weight u * sqrt(6 / fan_in) with fan_in = n / shape[0] (transposed conv: n / shape[1]),
 * bias 0.01 u, BatchNorm weight 1 + 0.1 u, BatchNorm bias 0.1 u, LSTM u / 16; cast to float32. Running means are
 * 0 and running variances 1.
 */
public final class FormulaWeights {
    private static final long MASK32 = 0xFFFF_FFFFL;
    private static final long FNV_OFFSET = 0x811c9dc5L;
    private static final long FNV_PRIME = 0x01000193L;
    private static final long MULTIPLIER = 2654435761L;
    private static final double TWO_32 = 4294967296.0;

    private FormulaWeights() {}

    /** FNV-1a 32-bit of the UTF-8 bytes of {@code key}, as an unsigned value. */
    public static long fnv1a(String key) {
        long h = FNV_OFFSET;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = ((h ^ (b & 0xff)) * FNV_PRIME) & MASK32;
        }
        return h;
    }

    /** All values of the parameter {@code key}, row-major. */
    public static float[] values(String key, Shape shape, ParamKind kind, long salt) {
        return values(key, shape, kind, salt, Math.toIntExact(shape.size()));
    }

    /** The first {@code count} values of the parameter {@code key}, row-major. */
    public static float[] values(String key, Shape shape, ParamKind kind, long salt, int count) {
        long n = shape.size();
        if (count < 0 || count > n) {
            throw new IllegalArgumentException("'" + key + "' has " + n + " values, asked for " + count);
        }
        float[] out = new float[count];
        if (kind == ParamKind.BN_MEAN || kind == ParamKind.BN_VAR) {
            Arrays.fill(out, kind == ParamKind.BN_MEAN ? 0f : 1f);
            return out;
        }
        double weightScale = switch (kind) {
            case WEIGHT -> Math.sqrt(6 / ((double) n / shape.get(0)));
            case WEIGHT_T -> Math.sqrt(6 / ((double) n / shape.get(1)));
            default -> Double.NaN;
        };
        long h = Math.floorMod(fnv1a(key) + salt, MASK32 + 1);
        for (int i = 0; i < count; i++) {
            long x = (i * MULTIPLIER + h) & MASK32;
            double u = x / TWO_32 * 2 - 1;
            double v = switch (kind) {
                case WEIGHT, WEIGHT_T -> u * weightScale;
                case BIAS -> 0.01 * u;
                case BN_WEIGHT -> 1 + 0.1 * u;
                case BN_BIAS -> 0.1 * u;
                case LSTM -> u / 16;
                case BN_MEAN, BN_VAR -> throw new AssertionError(kind);
            };
            out[i] = (float) v;
        }
        return out;
    }

    /**
     * Sets every parameter and buffer of the (initialised) {@code root} to its formula value. A block initialised in
     * float64 gets the same float32 values, widened exactly: the float64 twin of the float32 network that the
     * golden tests use as their exact-arithmetic reference.
     */
    public static void apply(Block root, long salt) {
        apply(root, "", salt);
    }

    /** As {@link #apply(Block, long)} for a sub-block whose keys start with {@code prefix}. */
    public static void apply(Block root, String prefix, long salt) {
        for (StateDict.Entry e : StateDict.entries(root, prefix)) {
            if (!e.parameter().isInitialized()) {
                throw new IllegalStateException("initialize the model before setting formula weights: '" + e.key()
                        + "' has no array");
            }
            NDArray array = e.parameter().getArray();
            float[] v = values(e.key(), e.shape(), e.kind(), salt);
            switch (array.getDataType()) {
                case FLOAT32 -> array.set(v);
                case FLOAT64 -> {
                    double[] d = new double[v.length];
                    for (int i = 0; i < v.length; i++) {
                        d[i] = v[i];
                    }
                    array.set(d);
                }
                default -> throw new IllegalStateException("'" + e.key() + "' is " + array.getDataType()
                        + ": formula weights set float32 or float64 parameters");
            }
        }
    }
}
