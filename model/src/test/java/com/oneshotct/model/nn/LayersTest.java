package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import com.oneshotct.config.ModelConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Small hand-computed cases of the layers and heads, and the heads' shapes at the model's sizes. */
class LayersTest {
    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray named(String name, float[] values, long... shape) {
        NDArray a = manager.create(values, new Shape(shape));
        a.setName(name);
        return a;
    }

    /** One channel, x = [1, 2] (1x2), w = [[1, 2], [3, 4]], bias 0.5: each input pixel stamps x * w + 0.5. */
    @Test
    void transposedConvStampsTheKernel() {
        ConvTranspose t = new ConvTranspose(1, 1, 2, Initializer.ZEROS);
        t.initialize(manager);
        StateDict.load(t, "", new NDList(named("weight", new float[] {1, 2, 3, 4}, 1, 1, 2, 2),
                named("bias", new float[] {0.5f}, 1)), true, "test");
        NDArray y = t.apply(ps, manager.create(new float[] {1, 2}, new Shape(1, 1, 1, 2)), false);
        assertEquals(new Shape(1, 1, 2, 4), y.getShape());
        assertArrayEquals(new float[] {1.5f, 2.5f, 2.5f, 4.5f, 3.5f, 4.5f, 6.5f, 8.5f}, y.toFloatArray());
    }

    /**
     * The weight is (in, out, k, k): x = [1, 10] over two in-channels, w[0, 1] = [1, 2, 3, 4], w[1, 0] =
     * [5, 6, 7, 8], the rest 0. Out-channel 0 = 10 * [5, 6, 7, 8]; out-channel 1 = 1 * [1, 2, 3, 4].
     */
    @Test
    void transposedConvWeightIsInByOut() {
        ConvTranspose t = new ConvTranspose(2, 2, 2, Initializer.ZEROS);
        t.initialize(manager);
        float[] w = new float[16];
        for (int i = 0; i < 4; i++) {
            w[4 + i] = i + 1; // [0, 1, :, :]
            w[8 + i] = i + 5; // [1, 0, :, :]
        }
        StateDict.load(t, "", new NDList(named("weight", w, 2, 2, 2, 2), named("bias", new float[2], 2)), true,
                "test");
        NDArray y = t.apply(ps, manager.create(new float[] {1, 10}, new Shape(1, 2, 1, 1)), false);
        assertArrayEquals(new float[] {50, 60, 70, 80, 1, 2, 3, 4}, y.toFloatArray());
    }

    /** Groups: 2 channels, 2 groups, 1x1 kernels 2 and 3, x = [1, 10] -> [2, 30] (no mixing). */
    @Test
    void groupedConvKeepsGroupsApart() {
        Conv c = new Conv(2, 2, 1, 1, 0, 2, false, Initializer.ZEROS);
        c.initialize(manager);
        assertEquals(new Shape(2, 1, 1, 1), c.getParameters().get("weight").getShape());
        StateDict.load(c, "", new NDList(named("weight", new float[] {2, 3}, 2, 1, 1, 1)), true, "test");
        assertArrayEquals(new float[] {2, 30},
                c.apply(ps, manager.create(new float[] {1, 10}, new Shape(1, 2, 1, 1)), false).toFloatArray());
    }

    /**
     * Heads with 1 channel, 1x1 pooling, 1 hidden unit, 2 classes. Box: fc6 = 3x - 1, fc7 = 2h - 3, ReLU after
     * each; cls_score w [1, -1] b [0, 0.5]; bbox_pred w 1..8, b 0. RoI x = 2: fc6 5, fc7 7, logits [7, -6.5],
     * deltas 7 * (1..8). RoI x = -1: fc6 -4 -> 0, fc7 -3 -> 0, logits [0, 0.5], deltas 0.
     * Mask: mask_fcn1 centre 2, bias -1: x = 3 -> 5; conv_mask [1, -1, 2, 0] -> [5, -5, 10, 0] -> ReLU
     * [5, 0, 10, 0]; logits 1x1 w [1, -2] b [0, 1] -> [5, 0, 10, 0] and [-9, 1, -19, 1].
     * The s2 heads take the same values except fc6 = x (box, x = 2: fc6 2, fc7 1, logits [1, -0.5], deltas 1..8)
     * and the s2 predictor, whose conv_mask has no ReLU (model-spec section 5): conv_reduce, centre -1 and bias 6,
     * on [5, -5, 10, 0] -> [1, 11, -4, 6] -> ReLU [1, 11, 0, 6] (a ReLU after conv_mask would give [1, 6, 0, 6]).
     */
    @Test
    void tinyHeadsByHand() {
        ModelConfig c = ModelConfig.builder().optFpnChannels(1).optBoxPoolSize(1).optMaskPoolSize(1)
                .optRepresentationSize(1).optNumClasses(2).build();
        RoiHeads heads = new RoiHeads(c);
        heads.initialize(manager);
        float[] conv = new float[9];
        conv[4] = 2;
        float[] reduce = new float[9];
        reduce[4] = -1;
        StateDict.load(heads, "roi_heads.", new NDList(
                named("roi_heads.box_head.fc6.weight", new float[] {3}, 1, 1),
                named("roi_heads.box_head.fc6.bias", new float[] {-1}, 1),
                named("roi_heads.box_head.fc7.weight", new float[] {2}, 1, 1),
                named("roi_heads.box_head.fc7.bias", new float[] {-3}, 1),
                named("roi_heads.box_predictor.cls_score.weight", new float[] {1, -1}, 2, 1),
                named("roi_heads.box_predictor.cls_score.bias", new float[] {0, 0.5f}, 2),
                named("roi_heads.box_predictor.bbox_pred.weight", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 8, 1),
                named("roi_heads.box_predictor.bbox_pred.bias", new float[8], 8),
                named("roi_heads.mask_head.mask_fcn1.weight", conv, 1, 1, 3, 3),
                named("roi_heads.mask_head.mask_fcn1.bias", new float[] {-1}, 1),
                named("roi_heads.mask_predictor.conv_mask.weight", new float[] {1, -1, 2, 0}, 1, 1, 2, 2),
                named("roi_heads.mask_predictor.conv_mask.bias", new float[] {0}, 1),
                named("roi_heads.mask_predictor.mask_fcn_logits.weight", new float[] {1, -2}, 2, 1, 1, 1),
                named("roi_heads.mask_predictor.mask_fcn_logits.bias", new float[] {0, 1}, 2),
                named("roi_heads.box_head_s2.fc6.weight", new float[] {1}, 1, 1),
                named("roi_heads.box_head_s2.fc6.bias", new float[] {0}, 1),
                named("roi_heads.box_head_s2.fc7.weight", new float[] {2}, 1, 1),
                named("roi_heads.box_head_s2.fc7.bias", new float[] {-3}, 1),
                named("roi_heads.box_predictor_s2.cls_score.weight", new float[] {1, -1}, 2, 1),
                named("roi_heads.box_predictor_s2.cls_score.bias", new float[] {0, 0.5f}, 2),
                named("roi_heads.box_predictor_s2.bbox_pred.weight", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 8, 1),
                named("roi_heads.box_predictor_s2.bbox_pred.bias", new float[8], 8),
                named("roi_heads.mask_head_s2.mask_fcn1.weight", conv, 1, 1, 3, 3),
                named("roi_heads.mask_head_s2.mask_fcn1.bias", new float[] {-1}, 1),
                named("roi_heads.mask_predictor_s2.conv_mask.weight", new float[] {1, -1, 2, 0}, 1, 1, 2, 2),
                named("roi_heads.mask_predictor_s2.conv_mask.bias", new float[] {0}, 1),
                named("roi_heads.mask_predictor_s2.conv_reduce.weight", reduce, 1, 1, 3, 3),
                named("roi_heads.mask_predictor_s2.conv_reduce.bias", new float[] {6}, 1)), true, "test");
        NDList box = heads.box(ps, manager.create(new float[] {2, -1}, new Shape(2, 1, 1, 1)), false);
        assertArrayEquals(new float[] {7, -6.5f, 0, 0.5f}, box.get(0).toFloatArray());
        assertArrayEquals(new float[] {7, 14, 21, 28, 35, 42, 49, 56, 0, 0, 0, 0, 0, 0, 0, 0},
                box.get(1).toFloatArray());
        NDArray mask = heads.mask(ps, manager.create(new float[] {3}, new Shape(1, 1, 1, 1)), false);
        assertEquals(new Shape(1, 2, 2, 2), mask.getShape());
        assertArrayEquals(new float[] {5, 0, 10, 0, -9, 1, -19, 1}, mask.toFloatArray());
        NDList boxS2 = heads.boxS2(ps, manager.create(new float[] {2}, new Shape(1, 1, 1, 1)), false);
        assertArrayEquals(new float[] {1, -0.5f}, boxS2.get(0).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, boxS2.get(1).toFloatArray());
        NDArray features = heads.maskFeaturesS2(ps, manager.create(new float[] {3}, new Shape(1, 1, 1, 1)), false);
        assertEquals(new Shape(1, 1, 2, 2), features.getShape());
        assertArrayEquals(new float[] {1, 11, 0, 6}, features.toFloatArray());
    }

    /** At the model's sizes: K RoIs pooled (K, 256, 7, 7) and (K, 256, 14, 14). */
    @Test
    void headShapesAtModelSize() {
        ModelConfig c = ModelConfig.defaults();
        RoiHeads heads = new RoiHeads(c);
        heads.initialize(manager);
        NDList out = heads.forward(ps, new NDList(manager.randomNormal(new Shape(3, 256, 7, 7)),
                manager.randomNormal(new Shape(3, 256, 14, 14))), false);
        Shape[] want = {new Shape(3, 4), new Shape(3, 16), new Shape(3, 4, 28, 28)};
        Shape[] declared = heads.getOutputShapes(new Shape[] {new Shape(3, 256, 7, 7), new Shape(3, 256, 14, 14)});
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i], out.get(i).getShape());
            assertEquals(want[i], declared[i]);
        }
    }
}
