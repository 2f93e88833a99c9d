package com.oneshotct.model.weights;

/**
 * A storage a pickle refers to by persistent id: its element type, the key of the raw bytes it lives in (a zip
 * member {@code data/<key>}, or a block after a legacy file's pickles), and its length in elements. {@code offset}
 * is where it starts in those bytes, in elements: 0, except for the storage views of legacy files.
 */
record PickledStorage(WeightDType dtype, String key, long offset, long numel) {}
