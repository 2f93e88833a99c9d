package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BnMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One channel, values 1, 2, 3, 4; weight 2, bias 0.5. Batch mean 2.5, biased variance 1.25 (normalising),
 * unbiased variance 5/3 (running update). PyTorch, momentum 0.1: running mean 0.9 * 0 + 0.1 * 2.5 = 0.25, running
 * variance 0.9 * 1 + 0.1 * 5/3 = 1.0666667.
 */
class BatchNorm2dTest {
    private static final float EPS = 1e-5f;
    private NDManager manager;
    private BatchNorm2d bn;
    private NDArray x;
    private ParameterStore ps;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
        bn = new BatchNorm2d(1, 1e-5, 0.1, BnMode.BATCH_STATS);
        bn.initialize(manager);
        bn.getParameters().get("weight").getArray().set(new float[] {2f});
        bn.getParameters().get("bias").getArray().set(new float[] {0.5f});
        x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static float[] normalised(double mean, double var) {
        float[] y = new float[4];
        for (int i = 0; i < 4; i++) {
            y[i] = (float) (2 * (i + 1 - mean) / Math.sqrt(var + EPS) + 0.5);
        }
        return y;
    }

    private float[] running(String name) {
        return bn.getParameters().get(name).getArray().toFloatArray();
    }

    @Test
    void batchStatsAtInferenceLeaveRunningStatsAlone() {
        assertArrayEquals(normalised(2.5, 1.25), bn.apply(ps, x, false).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0f}, running("running_mean"));
        assertArrayEquals(new float[] {1f}, running("running_var"));
    }

    @Test
    void batchStatsInTrainingUpdateRunningStatsAsPyTorch() {
        assertArrayEquals(normalised(2.5, 1.25), bn.apply(ps, x, true).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.25f}, running("running_mean"), 1e-6f);
        assertArrayEquals(new float[] {1.0666667f}, running("running_var"), 1e-6f);
    }

    @Test
    void runningStatsNormaliseWithRunningValuesAndNeverUpdate() {
        bn.apply(ps, x, true);
        bn.setMode(BnMode.RUNNING_STATS);
        assertArrayEquals(normalised(0.25, 1.0666667), bn.apply(ps, x, true).toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {0.25f}, running("running_mean"), 1e-6f);
        assertArrayEquals(new float[] {1.0666667f}, running("running_var"), 1e-6f);
    }

    /** d sum(y) / d bias = 4 (one per element); d sum(y) / d weight = sum of normalised values = 0. */
    @Test
    void gradientsFlowToWeightAndBias() {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(bn.apply(ps, x, true).sum());
        }
        assertArrayEquals(new float[] {4f}, bn.getParameters().get("bias").getArray().getGradient().toFloatArray(),
                1e-5f);
        assertArrayEquals(new float[] {0f},
                bn.getParameters().get("weight").getArray().getGradient().toFloatArray(), 1e-5f);
    }

    /**
     * Batch statistics at inference, in groups: a batch of two groups of two inputs each is normalised as each group
     * alone; a backbone BatchNorm ({@code of}) normalises each image of its batch as that image alone.
     */
    @Test
    void groupsAtInferenceAreNormalisedAsEachAlone() {
        NDArray a = manager.create(new float[] {1, 2, 3, 4, 0, 0, 8, 1}, new Shape(2, 1, 2, 2));
        NDArray b = manager.create(new float[] {5, -1, 2, 9, 3, 3, 3, 7}, new Shape(2, 1, 2, 2));
        NDArray both = a.concat(b, 0);
        float[] alone = bn.apply(ps, a, false).concat(bn.apply(ps, b, false), 0).toFloatArray();
        assertArrayEquals(alone, bn.apply(ps, both, 2, false).toFloatArray(), 1e-6f);
        // the whole batch as one group mixes them: the grouped result must not be that
        float[] mixed = bn.apply(ps, both, 1, false).toFloatArray();
        assertTrue(Math.abs(mixed[0] - alone[0]) > 1e-2, "one group normalises over all four inputs");

        BatchNorm2d backbone = BatchNorm2d.of(1, com.oneshotct.config.ModelConfig.defaults());
        backbone.initialize(manager);
        float[] perImage = backbone.apply(ps, a, false).toFloatArray();
        float[] first = backbone.apply(ps, a.get("0:1"), false).toFloatArray();
        float[] second = backbone.apply(ps, a.get("1:2"), false).toFloatArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(first[i], perImage[i], 1e-6f);
            assertEquals(second[i], perImage[4 + i], 1e-6f);
        }
    }
}
