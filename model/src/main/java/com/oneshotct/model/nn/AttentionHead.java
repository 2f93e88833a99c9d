package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.ops.Native;
import java.util.List;

/**
 * The classification end of the one-shot model (model-spec 5 steps 5-7), under the reference's names:
 * {@code attn_layer} ({@link AttentionLayer}), {@code pos_classifier_attn} and {@code neg_classifier_attn}
 * ({@link Classifier}). Image logits = positive classifier(o_pos) - negative classifier(o_neg).
 *
 * <p>Key naming: the reference's whole-model state dict ({@code oneshot_forward_weights.tsv}) has the sieve under
 * {@code attn_layer.sieve.0.*}, which is this block tree; {@code attention_head.npz} names the same tensors
 * {@code attn_layer.conv_down.*}, {@code attn_layer.bn.*}, {@code attn_layer.conv_up.*}. {@link #canonicalKey}
 * maps the latter to the former, and {@link #loadAliased} imports a file with either naming.
 */
public final class AttentionHead extends NetBlock {
    /** Width of the classifiers' hidden layers. */
    public static final int CLASSIFIER_HIDDEN = 128;

    private static final String ATTN = "attn_layer.";
    private static final List<String> SIEVE_CHILDREN = List.of("conv_down.", "bn.", "conv_up.");

    private final AttentionLayer attention;
    private final Classifier positive;
    private final Classifier negative;

    /** Everything one sequence of RoIs gives: attention vectors (1, C), branch logits and image logits (1, K). */
    public record Output(NDArray positiveVector, NDArray negativeVector, NDArray positiveLogits,
            NDArray negativeLogits, NDArray logits) {}

    public AttentionHead(int channels, int classes, double bnEps, double bnMomentum, BnMode mode) {
        attention = addChildBlock("attn_layer", new AttentionLayer(channels, bnEps, bnMomentum, mode));
        positive = addChildBlock("pos_classifier_attn", new Classifier(channels, CLASSIFIER_HIDDEN, classes));
        negative = addChildBlock("neg_classifier_attn", new Classifier(channels, CLASSIFIER_HIDDEN, classes));
    }

    /**
     * FPN width, three image classes, the configuration's BatchNorm settings (reference: batch statistics over one
     * image's 16 RoIs). Under {@link BnMode#TRAIN_BATCH_EVAL_RUNNING} the classification step hands the attention
     * layer the RoIs of its whole batch at once, and inference normalises with the running statistics.
     */
    public static AttentionHead of(ModelConfig config) {
        return new AttentionHead(config.fpnChannels(), ImageClass.values().length, config.bnEps(),
                config.bnMomentum(), config.bnMode());
    }

    public AttentionLayer attention() {
        return attention;
    }

    public Classifier positive() {
        return positive;
    }

    public Classifier negative() {
        return negative;
    }

    /** Runs RoI mask features (N, C, 28, 28), in sequence order, to the image logits. */
    public Output apply(ParameterStore ps, NDArray rois, boolean training) {
        return apply(ps, rois, 1, training);
    }

    /**
     * Runs the RoI mask features of {@code images} images, (images*N, C, 28, 28), one image's sequence after the
     * other, to their logits (images, K); see {@link AttentionLayer#apply(ParameterStore, NDArray, int, boolean)}.
     */
    public Output apply(ParameterStore ps, NDArray rois, int images, boolean training) {
        AttentionLayer.Vectors v = attention.apply(ps, rois, images, training);
        NDArray pos = positive.apply(ps, v.positive(), training);
        NDArray neg = negative.apply(ps, v.negative(), training);
        return new Output(v.positive(), v.negative(), pos, neg, pos.sub(neg));
    }

    /** BCE with logits of image logits (1, K) against the one-hot {@code label}, averaged over the K outputs. */
    public static NDArray loss(NDArray logits, ImageClass label) {
        return loss(logits, List.of(label));
    }

    /**
     * BCE with logits of image logits (B, K) against the one-hot {@code labels} (one per row), averaged over all
     * B*K outputs: the mean of the images' own losses.
     */
    public static NDArray loss(NDArray logits, List<ImageClass> labels) {
        Shape s = logits.getShape();
        long k = s.get(s.dimension() - 1);
        long rows = s.size() / k;
        if (rows != labels.size()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + rows + " rows of logits " + s);
        }
        float[] oneHot = new float[(int) (rows * k)];
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).index >= k) {
                throw new IllegalArgumentException("label " + labels.get(i) + " outside " + k + " logits");
            }
            oneHot[(int) (i * k) + labels.get(i).index] = 1f;
        }
        NDArray target = Native.owned(logits.getManager().create(oneHot)).reshape(s)
                .toType(logits.getDataType(), false);
        return Losses.bceWithLogits(logits, target);
    }

    /**
     * The whole-model key of {@code key}: {@code attn_layer.conv_down.*}, {@code attn_layer.bn.*},
     * {@code attn_layer.conv_up.*} (the naming of {@code attention_head.npz}) become {@code attn_layer.sieve.0.*};
     * every other key is returned unchanged.
     */
    public static String canonicalKey(String key) {
        if (key.startsWith(ATTN)) {
            String rest = key.substring(ATTN.length());
            for (String child : SIEVE_CHILDREN) {
                if (rest.startsWith(child)) {
                    return ATTN + "sieve.0." + rest;
                }
            }
        }
        return key;
    }

    /**
     * {@link StateDict#load(Block, String, NDList, boolean, String)} after renaming the arrays' keys by
     * {@link #canonicalKey}, so a file in either naming loads into {@code root} (this head, or a model holding it at
     * the top). The arrays given are not changed; renamed ones are copied for the import only.
     */
    public static StateDict.LoadReport loadAliased(Block root, String prefix, NDList arrays, boolean strict,
            String source) {
        NDManager manager = arrays.isEmpty() ? null : arrays.get(0).getManager();
        if (manager == null) {
            return StateDict.load(root, prefix, arrays, strict, source);
        }
        try (NDManager sub = manager.newSubManager()) {
            NDList renamed = new NDList(arrays.size());
            for (NDArray a : arrays) {
                String key = a.getName() == null ? null : canonicalKey(a.getName());
                if (key == null || key.equals(a.getName())) {
                    renamed.add(a);
                } else {
                    NDArray copy = a.duplicate();
                    copy.attach(sub);
                    copy.setName(key);
                    renamed.add(copy);
                }
            }
            return StateDict.load(root, prefix, renamed, strict, source);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Output o = apply(ps, inputs.singletonOrThrow(), training);
        return new NDList(o.logits(), o.positiveVector(), o.negativeVector(), o.positiveLogits(),
                o.negativeLogits());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape[] v = attention.getOutputShapes(inputs);
        Shape[] l = positive.getOutputShapes(new Shape[] {v[0]});
        return new Shape[] {l[0], v[0], v[1], l[0], l[0]};
    }
}
