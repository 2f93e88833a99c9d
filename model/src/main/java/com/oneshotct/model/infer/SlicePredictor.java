package com.oneshotct.model.infer;

import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.GreyImage;

/** Anything that turns a slice into a {@link Prediction}; the evaluator scores whatever it is given. */
@FunctionalInterface
public interface SlicePredictor {
    Prediction predict(NDManager manager, GreyImage image);
}
