package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.ops.RoiAlign;
import java.util.ArrayList;
import java.util.List;

/**
 * One inference pass over several preprocessed images at once, giving each image what {@link SegmentationInference}
 * and {@link S2Branch} give it alone: the backbone + FPN and the RPN head run once on the whole batch (BatchNorm
 * keeps each image's own statistics, see {@link BatchNorm2d}); the RoIs of all images go through RoIAlign with
 * their batch index and through the box head, the s2 box head, the s2 mask head and the attention head together
 * (the attention BatchNorms normalise each image's 16 RoIs apart). Per image stay the operators between them:
 * proposal filtering, detection post-processing and the s2 box selection. The mask head runs on the detections
 * in passes of at most {@link #MASK_ROIS} RoIs, whole images at a time, so memory stays that of one image's
 * worst case however large the batch.
 */
public final class BatchedInference {
    /** RoIs per mask-head pass: the evaluation protocol's cap for one image (128 detections). */
    static final int MASK_ROIS = 128;

    private final OneShotNet net;
    private final ModelConfig config;
    private final Proposals proposals;
    private final Detections detections;
    private final S2Boxes selection;
    private final RoiAlign boxPool;
    private final RoiAlign maskPool;

    /**
     * One image's result: detections (boxes (D, 4) in model pixels, scores (D), labels (D), mask probabilities
     * (D, 28, 28) of each detection's own class), as {@link SegmentationInference#detect}, and image logits (1, K).
     */
    public record Output(NDList detections, NDArray logits) {}

    public BatchedInference(OneShotNet net, Detections detections) {
        this.net = net;
        this.config = net.config();
        this.proposals = Proposals.of(config);
        this.detections = detections;
        this.selection = S2Boxes.reference();
        this.boxPool = new RoiAlign(config.boxPoolSize(), config.spatialScale(), config.samplingRatio());
        this.maskPool = new RoiAlign(config.maskPoolSize(), config.spatialScale(), config.samplingRatio());
    }

    /**
     * @param images (B, 3, S, S) preprocessed, S = the configured image size
     * @return one output per image, in order, on the images' manager
     */
    public List<Output> apply(ParameterStore ps, NDArray images) {
        NDManager manager = images.getManager();
        int size = config.imageSize();
        int b = (int) images.getShape().get(0);
        NDArray features = net.features(ps, images, false);
        NDList rpn = net.rpnHead(ps, features, false);
        NDArray anchors = SegmentationInference.anchors(manager, config);
        NDList props = new NDList(b);
        long[] start = new long[b + 1];
        for (int i = 0; i < b; i++) {
            NDArray objectness = rpn.get(0).get(i).expandDims(0);
            NDArray deltas = rpn.get(1).get(i).expandDims(0);
            props.add(proposals.filter(objectness, deltas, anchors, size, size).get(0));
            start[i + 1] = start[i] + props.get(i).getShape().get(0);
        }
        // the box head and the s2 box head pool the same proposals: one RoIAlign feeds both
        NDArray pooled7 = boxPool.apply(features, props);
        NDList head = net.boxHead(ps, pooled7, false);
        NDList headS2 = net.boxHeadS2(ps, pooled7, false);
        List<NDList> dets = new ArrayList<>(b);
        NDList s2Boxes = new NDList(b);
        for (int i = 0; i < b; i++) {
            NDIndex rows = new NDIndex("{}:{}", start[i], start[i + 1]);
            dets.add(detections.apply(head.get(0).get(rows), head.get(1).get(rows), props.get(i), size, size));
            s2Boxes.add(selection.apply(headS2.get(0).get(rows), headS2.get(1).get(rows), props.get(i), size, size)
                    .toArray(manager).toDevice(features.getDevice(), false));
        }
        addMasks(ps, features, dets);
        NDArray s2Features = net.maskFeaturesS2(ps, maskPool.apply(features, s2Boxes), false);
        NDArray logits = net.classify(ps, s2Features, b, false).logits();
        List<Output> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(new Output(dets.get(i), logits.get(new NDIndex("{}:{}", i, i + 1))));
        }
        return out;
    }

    /** Appends each image's mask probabilities (D, 28, 28) to its detections. */
    private void addMasks(ParameterStore ps, NDArray features, List<NDList> dets) {
        int m = 2 * config.maskPoolSize();
        for (int first = 0; first < dets.size(); ) {
            int end = first;
            long rois = 0;
            // whole images, at least one, up to MASK_ROIS RoIs
            while (end < dets.size() && (end == first || rois + count(dets.get(end)) <= MASK_ROIS)) {
                rois += count(dets.get(end++));
            }
            NDArray logits = null;
            if (rois > 0) {
                NDList boxes = new NDList(end - first);
                for (int i = first; i < end; i++) {
                    boxes.add(dets.get(i).get(0));
                }
                NDArray part = features.get(new NDIndex("{}:{}", first, end));
                logits = net.maskHead(ps, maskPool.apply(part, boxes), false);
            }
            int row = 0;
            for (int i = first; i < end; i++) {
                NDList det = dets.get(i);
                long[] labels = det.get(2).toLongArray();
                if (labels.length == 0) {
                    det.add(features.getManager().zeros(new Shape(0, m, m)));
                    continue;
                }
                NDList chosen = new NDList(labels.length);
                for (long label : labels) {
                    chosen.add(logits.get(new NDIndex("{}, {}", row++, label)));
                }
                det.add(Activation.sigmoid(NDArrays.stack(chosen)));
            }
            first = end;
        }
    }

    private static long count(NDList det) {
        return det.get(0).getShape().get(0);
    }
}
