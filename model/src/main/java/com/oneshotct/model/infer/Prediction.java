package com.oneshotct.model.infer;

import com.oneshotct.model.data.ImageClass;
import java.util.List;

/**
 * What one forward pass says about one slice.
 *
 * @param predicted argmax of the image logits
 * @param probabilities softmax of the image logits, Normal / CP / COVID-19 (the model is trained with per-class
 *     BCE, so these rank like the logits; they are a readable normalisation, not a calibrated posterior)
 * @param logits image logits = positive branch - negative branch
 * @param lesions detections with masks, best score first
 * @param width input image width
 * @param height input image height
 */
public record Prediction(ImageClass predicted, double[] probabilities, double[] logits, List<Lesion> lesions,
        int width, int height) {
    public Prediction {
        probabilities = probabilities.clone();
        logits = logits.clone();
        lesions = List.copyOf(lesions);
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public double[] logits() {
        return logits.clone();
    }
}
