package com.oneshotct.model.weights;

import java.util.Locale;

/**
 * The element types a weight file may hold, with their names in each format: PyTorch's storage class
 * ({@code torch.FloatStorage}), safetensors' code ({@code F32}) and PyTorch's dtype name for messages.
 */
public enum WeightDType {
    FLOAT32("float32", 4, "FloatStorage", "F32"),
    FLOAT16("float16", 2, "HalfStorage", "F16"),
    BFLOAT16("bfloat16", 2, "BFloat16Storage", "BF16"),
    FLOAT64("float64", 8, "DoubleStorage", "F64"),
    INT64("int64", 8, "LongStorage", "I64"),
    INT32("int32", 4, "IntStorage", "I32"),
    INT8("int8", 1, "CharStorage", "I8"),
    UINT8("uint8", 1, "ByteStorage", "U8"),
    BOOL("bool", 1, "BoolStorage", "BOOL");

    private final String torchName;
    private final int bytes;
    private final String storage;
    private final String safetensors;

    WeightDType(String torchName, int bytes, String storage, String safetensors) {
        this.torchName = torchName;
        this.bytes = bytes;
        this.storage = storage;
        this.safetensors = safetensors;
    }

    /** PyTorch's name, {@code float32}. */
    public String torchName() {
        return torchName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The class {@code torch.save} names for a storage of this type, {@code FloatStorage} (module {@code torch}). */
    public String storageClass() {
        return storage;
    }

    /** By storage class name, or null when none of ours has it. */
    static WeightDType ofStorage(String name) {
        for (WeightDType t : values()) {
            if (t.storage.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** By safetensors code ({@code F32}); an unknown code is an error naming it and the known ones. */
    static WeightDType ofSafetensors(String code) {
        for (WeightDType t : values()) {
            if (t.safetensors.equals(code.toUpperCase(Locale.ROOT))) {
                return t;
            }
        }
        StringBuilder known = new StringBuilder();
        for (WeightDType t : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(t.safetensors);
        }
        throw new IllegalArgumentException("dtype '" + code + "' is not one this reader converts (" + known + ")");
    }

    @Override
    public String toString() {
        return torchName;
    }
}
