package com.oneshotct.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.data.Preprocess;
import com.oneshotct.model.nn.AttentionHead;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.ops.Native;
import com.oneshotct.model.ops.SplitMix64;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of the body pre-training ({@link TrainConfig#pretrain()}): a batch of classification images through the
 * backbone body (BatchNorm with DJL's {@code training} flag set), global average pooling of C5, a linear layer to
 * the three classes, the attention head's BCE against the one-hot labels, backward, and one optimiser update of the
 * body and that layer only.
 *
 * <p>Why: the paper starts from ImageNet weights. From random weights the classification branch, which sees the
 * image only behind the FPN and 16 RoIs, does not learn the synthetic classes in any number of iterations tried
 * here, while a plain pooled classifier on C5 does; a body pre-trained that way gives the branch features to start
 * from (docs/learning.md). The linear layer ({@code pretrain.fc.weight} (C5 channels, 3) and
 * {@code pretrain.fc.bias} (3)) is not part of the network: it lives here, in the trainer's optimiser and in its
 * checkpoints, and is dropped with the trainer. Its start is PyTorch's {@code nn.Linear} default,
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from a {@link SplitMix64} of the given seed, so it does not consume the
 * engine's generator.
 */
public final class BodyPretrainStep {
    /** Keys of the linear layer's two arrays in the optimiser and the checkpoint. */
    public static final String WEIGHT = "pretrain.fc.weight";
    public static final String BIAS = "pretrain.fc.bias";

    private final OneShotNet net;
    private final NDManager manager;
    private final ParameterStore ps;
    private final Preprocess preprocess;
    private final NDArray weight;
    private final NDArray bias;
    private final List<NDArray> params;
    private Adam adam;

    /** The step's linear layer, created on {@code manager} from {@code seed}; {@link #use} gives it its optimiser. */
    public BodyPretrainStep(OneShotNet net, NDManager manager, long seed) {
        this.net = net;
        this.manager = manager;
        this.ps = new ParameterStore(manager, false);
        int size = net.config().imageSize();
        this.preprocess = new Preprocess(size, size);
        int c5 = net.backbone().body().outChannels();
        int classes = ImageClass.values().length;
        SplitMix64 rng = new SplitMix64(seed);
        double bound = 1 / Math.sqrt(c5);
        this.weight = uniform(rng, bound, new Shape(c5, classes));
        this.bias = uniform(rng, bound, new Shape(classes));
        List<NDArray> p = new ArrayList<>(net.bodyParameters());
        p.add(weight);
        p.add(bias);
        this.params = List.copyOf(p);
    }

    private NDArray uniform(SplitMix64 rng, double bound, Shape shape) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        NDArray a = Native.owned(manager.create(v, shape));
        a.setRequiresGradient(true);
        return a;
    }

    /** The linear layer's arrays by key, in the order the optimiser holds them. */
    public Map<String, NDArray> head() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put(WEIGHT, weight);
        m.put(BIAS, bias);
        return m;
    }

    /** The optimiser that holds the body's and the linear layer's arrays. */
    void use(Adam adam) {
        this.adam = adam;
    }

    /** C5 pooled and classified: logits (N, 3) of standardised images (N, 3, H, W). */
    public NDArray logits(NDArray images, boolean training) {
        NDArray c5 = net.backbone().body().apply(ps, images, training);
        Shape s = c5.getShape();
        return c5.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}).matMul(weight).add(bias);
    }

    /** Trains on a batch of images; returns the (mean) loss. */
    public float run(List<GreyImage> images, List<ImageClass> labels) {
        if (images.isEmpty() || images.size() != labels.size()) {
            throw new IllegalArgumentException("a pre-training step needs one label per image, got "
                    + images.size() + " images and " + labels.size() + " labels");
        }
        float loss;
        try (NDManager step = manager.newSubManager()) {
            NDList batch = new NDList(images.size());
            for (GreyImage image : images) {
                batch.add(preprocess.apply(step, image));
            }
            NDArray x = NDArrays.stack(batch);
            adam.zeroGradients(params);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray total = AttentionHead.loss(logits(x, true), labels);
                gc.backward(total);
                loss = total.getFloat();
            }
            adam.update(params);
        }
        return loss;
    }
}
