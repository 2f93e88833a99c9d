package com.oneshotct.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor read from a file: its type, its shape and its elements, contiguous in row-major order, little-endian.
 *
 * <p>{@link #toNDArray} keeps float32, float64, int64, int32, int8, uint8 and bool as they are, and widens float16
 * and bfloat16 to float32, which is exact (every float16 and bfloat16 value is a float32 value): the network's
 * parameters are float32, and widening here keeps one path for both half types. float64 narrows to float32 (rounded
 * to nearest) only when it is set into a parameter.
 */
public record RawTensor(WeightDType dtype, long[] shape, byte[] data) {
    public RawTensor {
        long n = elements(shape);
        if (n * dtype.bytes() != data.length) {
            throw new IllegalArgumentException(dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + n * dtype.bytes() + " bytes, got " + data.length);
        }
    }

    /** Elements of a shape: the product of its sides (1 for a scalar). */
    static long elements(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative side in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** The tensor as an array of {@code manager} (float16 and bfloat16 widened to float32), named {@code name}. */
    public NDArray toNDArray(NDManager manager, String name) {
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int n = data.length / dtype.bytes();
        Shape s = new Shape(shape);
        NDArray out = switch (dtype) {
            case FLOAT32 -> {
                float[] v = new float[n];
                buf.asFloatBuffer().get(v);
                yield manager.create(v, s);
            }
            case FLOAT16 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = halfToFloat(buf.getShort(2 * i));
                }
                yield manager.create(v, s);
            }
            case BFLOAT16 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    // bfloat16 is the upper half of a float32
                    v[i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xffff) << 16);
                }
                yield manager.create(v, s);
            }
            case FLOAT64 -> {
                double[] v = new double[n];
                buf.asDoubleBuffer().get(v);
                yield manager.create(v, s);
            }
            case INT64 -> {
                long[] v = new long[n];
                buf.asLongBuffer().get(v);
                yield manager.create(v, s);
            }
            case INT32 -> {
                int[] v = new int[n];
                buf.asIntBuffer().get(v);
                yield manager.create(v, s);
            }
            case INT8 -> manager.create(data.clone(), s);
            case UINT8 -> manager.create(ByteBuffer.wrap(data.clone()), s, ai.djl.ndarray.types.DataType.UINT8);
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data[i] != 0;
                }
                yield manager.create(v, s);
            }
        };
        out.setName(name);
        return out;
    }

    /** IEEE 754 binary16 to float, subnormals, infinities and NaN included (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
