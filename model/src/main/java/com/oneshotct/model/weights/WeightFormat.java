package com.oneshotct.model.weights;

/** The file formats {@link WeightFile} reads, told apart by content, not by extension. */
public enum WeightFormat {
    /** {@code torch.save}, PyTorch 1.6 and later: a zip with a pickle and raw storages. */
    TORCH_ZIP("torch.save zip"),
    /** {@code torch.save} before PyTorch 1.6 (or {@code _use_new_zipfile_serialization=False}). */
    TORCH_LEGACY("torch.save legacy (PyTorch < 1.6)"),
    SAFETENSORS("safetensors"),
    /** numpy's {@code savez}, what {@code model export} writes. */
    NPZ("npz");

    private final String label;

    WeightFormat(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
