package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for every loss; the arithmetic is in the comments. */
class LossesTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void bceWithLogits() {
        // logit 0, y 1: log 2 = 0.693147; logit 2, y 0: 2 + log(1 + e^-2) = 2.126928; logit -30, y 0: ~9.4e-14
        NDArray l = manager.create(new float[] {0f, 2f, -30f});
        NDArray y = manager.create(new float[] {1f, 0f, 0f});
        double expected = (0.6931472 + 2.1269280 + 9.36e-14) / 3;
        assertEquals(expected, Losses.bceWithLogits(l, y).getFloat(), 1e-6);
        // large positive logit with target 1 stays finite: log(1 + e^-100) ~ 0
        assertEquals(0.0, Losses.bceWithLogits(manager.create(new float[] {100f}), manager.create(new float[] {1f}))
                .getFloat(), 1e-7);
    }

    @Test
    void rpnUsesPlainL1OverTheSampledCount() {
        NDArray obj = manager.create(new float[] {0f, 0f, 0f, 0f});
        NDArray lab = manager.create(new float[] {1f, 0f, 0f, 0f});
        NDArray d = manager.create(new float[] {0.5f, -1f, 2f, 0f}, new Shape(1, 4));
        NDArray t = manager.create(new float[] {0f, 0f, 0f, 0f}, new Shape(1, 4));
        NDList out = Losses.rpn(obj, lab, d, t);
        assertEquals(Math.log(2), out.get(0).getFloat(), 1e-6); // every logit 0 -> log 2 each
        assertEquals((0.5 + 1 + 2) / 4, out.get(1).getFloat(), 1e-6); // L1 sum 3.5 over 4 sampled anchors
    }

    @Test
    void fastRcnnTakesTheTrueClassDeltasOfPositivesOnly() {
        // 2 RoIs, 3 classes. RoI 0 background, RoI 1 class 2.
        NDArray logits = manager.create(new float[] {0f, 0f, 0f, 1f, 2f, 3f}, new Shape(2, 3));
        NDArray labels = manager.create(new long[] {0, 2});
        NDArray regression = manager.zeros(new Shape(2, 12));
        // RoI 1 class 2 deltas = (0.5, 2, 0, 0); RoI 0 class 0 and RoI 1 class 1 get garbage that must be ignored
        regression.set(new NDIndex("1, 8:12"), manager.create(new float[] {0.5f, 2f, 0f, 0f}));
        regression.set(new NDIndex("1, 4:8"), manager.create(new float[] {7f, 7f, 7f, 7f}));
        regression.set(new NDIndex("0, 0:4"), manager.create(new float[] {7f, 7f, 7f, 7f}));
        NDArray targets = manager.zeros(new Shape(2, 4));
        NDList out = Losses.fastRcnn(logits, labels, regression, targets);
        // CE: RoI 0 -log(1/3) = 1.098612; RoI 1 -log(e^3 / (e + e^2 + e^3)) = 0.407606; mean 0.753109
        assertEquals(0.7531090, out.get(0).getFloat(), 1e-6);
        // smooth L1 beta 1: 0.5*0.5^2 = 0.125 and 2 - 0.5 = 1.5; sum 1.625 over 2 sampled RoIs
        assertEquals(1.625 / 2, out.get(1).getFloat(), 1e-6);
    }

    @Test
    void maskUsesTheLabelChannelAndCarriesGradient() {
        // 1 positive of class 1 among 2 classes; 2x2 masks. Channel 1 logits all 0 -> BCE log 2 whatever the target.
        NDArray logits = manager.zeros(new Shape(1, 2, 2, 2));
        logits.set(new NDIndex("0, 0"), 50f); // wrong channel: ignored
        logits.setRequiresGradient(true);
        NDArray targets = manager.create(new float[] {1f, 0f, 1f, 1f}, new Shape(1, 2, 2));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = Losses.mask(logits, manager.create(new long[] {1}), targets);
            assertEquals(Math.log(2), loss.getFloat(), 1e-6);
            gc.backward(loss);
        }
        // d/dx mean BCE = (sigmoid(x) - y) / 4 = (0.5 - y) / 4 on channel 1, 0 on channel 0
        float[] g = logits.getGradient().toFloatArray();
        float[] expected = {0, 0, 0, 0, -0.125f, 0.125f, -0.125f, -0.125f};
        for (int i = 0; i < g.length; i++) {
            assertEquals(expected[i], g[i], 1e-6, "gradient " + i);
        }
    }

    @Test
    void noPositivesGiveZeroBoxAndMaskLossWithAGraph() {
        NDArray logits = manager.zeros(new Shape(0, 4, 28, 28));
        NDArray none = manager.create(new long[0]);
        assertEquals(0f, Losses.mask(logits, none, manager.zeros(new Shape(0, 28, 28))).getFloat());
        NDList out = Losses.fastRcnn(manager.zeros(new Shape(2, 4)), manager.create(new long[] {0, 0}),
                manager.ones(new Shape(2, 16)), manager.zeros(new Shape(2, 4)));
        assertEquals(0f, out.get(1).getFloat());
        assertEquals(Math.log(4), out.get(0).getFloat(), 1e-6);
    }
}
