package com.oneshotct.model.weights;

import java.util.Map;

/**
 * What a reader found: the tensors of the state dict by key, in file order, and where in the file it was
 * ({@code ""}: the top level, or the whole file for the flat formats; else the key path of a wrapped state dict).
 */
record FileTensors(String picked, Map<String, RawTensor> tensors) {}
