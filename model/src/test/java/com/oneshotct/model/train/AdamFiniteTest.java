package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamFiniteTest {

    private static void backward(NDArray p, float[] x) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(p.getManager().create(x)).sum());
        }
    }

    /** A NaN gradient leaves weights, moments and step counts as they were; a finite one then updates normally. */
    @Test
    void skipsNonFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray p = m.create(new float[] {1f, 2f});
            p.setRequiresGradient(true);
            Adam adam = new Adam(List.of(p), m, 0.1, 0.9, 0.999, 1e-8, 0);
            backward(p, new float[] {Float.NaN, 1f});
            assertFalse(adam.updateIfFinite(List.of(p)));
            assertArrayEquals(new float[] {1f, 2f}, p.toFloatArray());
            assertArrayEquals(new long[] {0}, adam.steps());
            adam.zeroGradients();
            backward(p, new float[] {1f, -1f});
            assertTrue(adam.updateIfFinite(List.of(p)));
            // first Adam step moves each weight by lr against the gradient's sign: m/(sqrt(v)) = sign(g)
            float[] after = p.toFloatArray();
            assertEquals(0.9f, after[0], 1e-5);
            assertEquals(2.1f, after[1], 1e-5);
        }
    }
}
