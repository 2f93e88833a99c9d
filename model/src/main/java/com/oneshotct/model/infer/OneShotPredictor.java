package com.oneshotct.model.infer;

import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.nn.Devices;
import com.oneshotct.model.nn.GradMode;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.data.MaskLabel;
import com.oneshotct.model.data.Preprocess;
import com.oneshotct.model.metrics.BinaryMask;
import com.oneshotct.model.nn.AttentionHead;
import com.oneshotct.model.nn.BatchedInference;
import com.oneshotct.model.nn.Detections;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.S2Branch;
import com.oneshotct.model.nn.SegmentationInference;
import com.oneshotct.model.ops.MaskPaste;
import com.oneshotct.model.ops.Native;
import java.util.ArrayList;
import java.util.List;

/**
 * Image in, class and lesions out, from one pass: the backbone and the RPN run once and feed both the segmentation
 * heads and the s2/attention branch. Any input size: the slice is resized to the model's size and the boxes and
 * masks are mapped back (masks pasted at the original size, as torchvision's post-processing does).
 *
 * <p>BatchNorm follows the network's {@link com.oneshotct.config.BnMode}: per-image statistics by default, as the
 * reference infers; a batch of slices ({@link #predict(NDManager, List)}) keeps each slice's own.
 */
public final class OneShotPredictor implements SlicePredictor {
    private final OneShotNet net;
    private final SegmentationInference segmentation;
    private final S2Branch s2;
    private final BatchedInference batched;
    private final Preprocess preprocess;

    /**
     * With the model config's detection settings (score > 0.75, at most 4: the authors' {@code eval.py}), the
     * display default of {@code predict} and the report's overlays; AP uses {@link ApProtocol} instead.
     */
    public OneShotPredictor(OneShotNet net) {
        this(net, detectionsOf(net.config()));
    }

    public OneShotPredictor(OneShotNet net, Detections detections) {
        this.net = net;
        this.segmentation = new SegmentationInference(net, detections);
        this.s2 = new S2Branch(net);
        this.batched = new BatchedInference(net, detections);
        int size = net.config().imageSize();
        this.preprocess = new Preprocess(size, size);
    }

    public static Detections detectionsOf(ModelConfig c) {
        return new Detections(c.scoreThresh(), c.detNmsThresh(), c.detectionsPerImage(), (float) c.minBoxSize());
    }

    public OneShotNet net() {
        return net;
    }

    /** One forward pass; every array it makes is freed before it returns. */
    @Override
    public Prediction predict(NDManager manager, GreyImage image) {
        GradMode.offOnThisThread();
        Devices.require(net, manager, "predict");
        int w = image.width();
        int h = image.height();
        try (NDManager sub = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            NDArray x = preprocess.apply(sub, image).expandDims(0);
            NDArray features = net.features(ps, x, false);
            NDArray proposals = segmentation.proposals(ps, features);
            NDList det = segmentation.detect(ps, features, proposals);
            AttentionHead.Output cls = net.classify(ps, s2.apply(ps, features, proposals, false).features(), false);
            return toPrediction(sub, det, cls.logits(), w, h);
        }
    }

    /**
     * The predictions of several slices from one forward pass over all of them ({@link BatchedInference}): the same
     * as {@link #predict(NDManager, GreyImage)} gives each, to float rounding; fewer, larger operations keep the
     * CPU's threads busier. Every array it makes is freed before it returns.
     */
    @Override
    public List<Prediction> predict(NDManager manager, List<GreyImage> images) {
        if (images.size() < 2) {
            return images.isEmpty() ? List.of() : List.of(predict(manager, images.get(0)));
        }
        GradMode.offOnThisThread();
        Devices.require(net, manager, "predict");
        try (NDManager sub = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            NDList batch = new NDList(images.size());
            for (GreyImage image : images) {
                batch.add(preprocess.apply(sub, image));
            }
            List<BatchedInference.Output> outs = batched.apply(ps, NDArrays.stack(batch));
            List<Prediction> predictions = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                GreyImage image = images.get(i);
                predictions.add(toPrediction(sub, outs.get(i).detections(), outs.get(i).logits(), image.width(),
                        image.height()));
            }
            return predictions;
        }
    }

    /** Detections in model pixels and image logits (1, K) -> the slice's prediction at its own size. */
    private Prediction toPrediction(NDManager sub, NDList det, NDArray imageLogits, int w, int h) {
        int size = net.config().imageSize();
        double[] logits = toDoubles(imageLogits.toFloatArray());
        float[] boxes = det.get(0).toFloatArray();
        float[] scores = det.get(1).toFloatArray();
        long[] labels = det.get(2).toLongArray();
        float sx = (float) w / size;
        float sy = (float) h / size;
        for (int i = 0; i < boxes.length; i += 4) {
            boxes[i] *= sx;
            boxes[i + 1] *= sy;
            boxes[i + 2] *= sx;
            boxes[i + 3] *= sy;
        }
        List<Lesion> lesions = new ArrayList<>();
        if (labels.length > 0) {
            NDArray scaled = Native.owned(sub.create(boxes, det.get(0).getShape()));
            float[] masks = MaskPaste.paste(sub, det.get(3), scaled, h, w).toFloatArray();
            int plane = w * h;
            for (int i = 0; i < labels.length; i++) {
                float[] one = java.util.Arrays.copyOfRange(masks, i * plane, (i + 1) * plane);
                float[] box = java.util.Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4);
                lesions.add(new Lesion(MaskLabel.of((int) labels[i]), scores[i], box,
                        BinaryMask.threshold(h, w, one)));
            }
        }
        return new Prediction(ImageClass.of(argmax(logits)), softmax(logits), logits, lesions, w, h);
    }

    static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double[] out = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
