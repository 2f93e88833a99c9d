package com.oneshotct.model.weights;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of a storage from element
 * {@code offset}, with sides {@code size} and element strides {@code stride}. Several tensors may view one storage.
 */
record PickledTensor(PickledStorage storage, long offset, long[] size, long[] stride) {
    PickledTensor {
        if (size.length != stride.length) {
            throw new IllegalArgumentException("tensor of size " + Arrays.toString(size) + " has strides "
                    + Arrays.toString(stride));
        }
    }

    /**
     * The view's elements, contiguous in row-major order, from the bytes of its storage's key ({@code source}, in
     * the byte order {@code bigEndian} says). Any stride works, 0 included (an expanded tensor); an element outside
     * the storage is an error.
     */
    RawTensor materialise(byte[] source, boolean bigEndian) {
        WeightDType t = storage.dtype();
        int es = t.bytes();
        long n = RawTensor.elements(size);
        long last = offset;
        for (int d = 0; d < size.length; d++) {
            if (stride[d] < 0 || offset < 0) {
                throw new IllegalArgumentException("negative stride or offset (" + Arrays.toString(stride) + ", "
                        + offset + ")");
            }
            last += size[d] == 0 ? 0 : (size[d] - 1) * stride[d];
        }
        if (n > 0 && (last >= storage.numel() || (storage.offset() + storage.numel()) * es > source.length)) {
            throw new IllegalArgumentException("view (offset " + offset + ", size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ") reaches element " + last + " of a storage of "
                    + storage.numel() + " " + t + " elements (" + source.length + " bytes)");
        }
        byte[] out = new byte[Math.toIntExact(n * es)];
        long base = storage.offset() + offset;
        if (contiguous()) {
            System.arraycopy(source, Math.toIntExact(base * es), out, 0, out.length);
        } else {
            // odometer over the indices, last side fastest
            long[] index = new long[size.length];
            long at = base;
            for (int i = 0; i < n; i++) {
                System.arraycopy(source, Math.toIntExact(at * es), out, i * es, es);
                for (int d = size.length - 1; d >= 0; d--) {
                    index[d]++;
                    at += stride[d];
                    if (index[d] < size[d]) {
                        break;
                    }
                    at -= index[d] * stride[d];
                    index[d] = 0;
                }
            }
        }
        if (bigEndian && es > 1) {
            for (int i = 0; i < out.length; i += es) {
                for (int a = i, b = i + es - 1; a < b; a++, b--) {
                    byte x = out[a];
                    out[a] = out[b];
                    out[b] = x;
                }
            }
        }
        return new RawTensor(t, size.clone(), out);
    }

    /** Row-major strides for every side longer than 1 (a side of 1 may have any stride). */
    private boolean contiguous() {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }
}
