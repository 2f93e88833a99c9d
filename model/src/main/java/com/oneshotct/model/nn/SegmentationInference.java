package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.ops.Anchors;
import com.oneshotct.model.ops.MaskPaste;
import com.oneshotct.model.ops.RoiAlign;

/**
 * The segmentation half of one inference pass for one preprocessed image: features, RPN proposals, box head,
 * detections, mask head on the detections, masks pasted back into the image (probabilities, not thresholded).
 */
public final class SegmentationInference {
    private final OneShotNet net;
    private final ModelConfig config;
    private final Proposals proposals;
    private final Detections detections;
    private final RoiAlign boxPool;
    private final RoiAlign maskPool;

    public SegmentationInference(OneShotNet net, Detections detections) {
        this.net = net;
        this.config = net.config();
        this.proposals = Proposals.of(config);
        this.detections = detections;
        this.boxPool = new RoiAlign(config.boxPoolSize(), config.spatialScale(), config.samplingRatio());
        this.maskPool = new RoiAlign(config.maskPoolSize(), config.spatialScale(), config.samplingRatio());
    }

    /** Anchors of the configured image size, in the RPN's (H, W, A) order. */
    public static NDArray anchors(NDManager manager, ModelConfig config) {
        float[] sizes = new float[config.anchorSizes().size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = config.anchorSizes().get(i);
        }
        float[] ratios = new float[config.aspectRatios().size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = config.aspectRatios().get(i).floatValue();
        }
        int side = config.featureSize();
        return new Anchors(sizes, ratios).generate(manager, config.imageSize(), config.imageSize(), side, side);
    }

    /**
     * @param image (1, 3, S, S) preprocessed, S = the configured image size
     * @return (boxes (D, 4), scores (D), labels (D), masks (D, S, S) probabilities), on the image's manager
     */
    public NDList apply(ParameterStore ps, NDArray image) {
        NDManager manager = image.getManager();
        int size = config.imageSize();
        NDArray features = net.features(ps, image, false);
        NDList det = detect(ps, features, proposals(ps, features));
        NDArray probs = det.get(3);
        det.set(3, det.get(0).getShape().get(0) == 0
                ? manager.zeros(new ai.djl.ndarray.types.Shape(0, size, size))
                : MaskPaste.paste(manager, probs, det.get(0), size, size));
        return det;
    }

    /** The RPN's proposals (at most the configured post-NMS count) of one image's features. */
    public NDArray proposals(ParameterStore ps, NDArray features) {
        int size = config.imageSize();
        NDList rpn = net.rpnHead(ps, features, false);
        return proposals.filter(rpn.get(0), rpn.get(1), anchors(features.getManager(), config), size, size).get(0);
    }

    /**
     * Detections of one image from its features and proposals, masks not yet pasted.
     *
     * @return (boxes (D, 4) in model pixels, scores (D), labels (D), mask probabilities (D, 28, 28) of each
     *     detection's own class)
     */
    public NDList detect(ParameterStore ps, NDArray features, NDArray props) {
        NDManager manager = features.getManager();
        int size = config.imageSize();
        NDList head = net.boxHead(ps, boxPool.apply(features, RoiHeadsLoss.withBatchIndex(props)), false);
        NDList det = detections.apply(head.get(0), head.get(1), props, size, size);
        long[] labels = det.get(2).toLongArray();
        if (labels.length == 0) {
            int m = 2 * config.maskPoolSize();
            det.add(manager.zeros(new ai.djl.ndarray.types.Shape(0, m, m)));
            return det;
        }
        NDArray logits = net.maskHead(ps, maskPool.apply(features, RoiHeadsLoss.withBatchIndex(det.get(0))), false);
        NDList chosen = new NDList();
        for (int i = 0; i < labels.length; i++) {
            chosen.add(logits.get(new NDIndex("{}, {}", i, labels[i])));
        }
        det.add(Activation.sigmoid(NDArrays.stack(chosen)));
        return det;
    }
}
