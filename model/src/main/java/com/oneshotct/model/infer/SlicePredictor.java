package com.oneshotct.model.infer;

import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.GreyImage;
import java.util.ArrayList;
import java.util.List;

/** Anything that turns a slice into a {@link Prediction}; the evaluator scores whatever it is given. */
@FunctionalInterface
public interface SlicePredictor {
    Prediction predict(NDManager manager, GreyImage image);

    /**
     * The predictions of several slices, in order, each what {@link #predict(NDManager, GreyImage)} gives it; one at
     * a time unless the predictor batches them.
     */
    default List<Prediction> predict(NDManager manager, List<GreyImage> images) {
        List<Prediction> out = new ArrayList<>(images.size());
        for (GreyImage image : images) {
            out.add(predict(manager, image));
        }
        return out;
    }
}
