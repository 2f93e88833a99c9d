package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

/** {@link Lstm} against PyTorch's {@code nn.LSTM} ({@code lstm.npz}) and a one-unit case worked by hand. */
class LstmTest {

    @Test
    void matchesTorchLstm() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList golden = Golden.load(m, "lstm.npz");
            Lstm lstm = new Lstm(256, 256);
            lstm.initialize(m);
            NDList weights = new NDList();
            for (String k : new String[] {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}) {
                weights.add(golden.get(k));
            }
            StateDict.load(lstm, "", weights, true, "lstm.npz");
            NDList out = lstm.apply(new ParameterStore(m, false), golden.get("input"), false);
            Golden.assertClose(golden.get("output"), out.get(0), 1e-4, 1e-6, "output");
            Golden.assertClose(golden.get("h_last"), out.get(1), 1e-4, 1e-6, "h_last");
            Golden.assertClose(golden.get("c_last"), out.get(2), 1e-4, 1e-6, "c_last");
        }
    }

    /**
     * One unit, input 1 at both of two steps, weights chosen per gate (i, f, g, o) so that a swapped gate order
     * changes the result. Step 1 (h0 = c0 = 0): pre-activations i = 0, f = 2, g = ln 2, o = 0 ->
     * sigmoid(0) = 0.5, tanh(ln 2) = 3/5 = 0.6; c1 = 0.5 * 0.6 = 0.3; h1 = 0.5 * tanh(0.3).
     * Step 2: recurrent weights are 0, so the pre-activations repeat; c2 = sigmoid(2) * 0.3 + 0.3;
     * h2 = 0.5 * tanh(c2).
     */
    @Test
    void oneUnitByHand() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Lstm lstm = new Lstm(1, 1);
            lstm.initialize(m);
            float ln2 = (float) Math.log(2);
            NDList weights = new NDList(
                    named(m.create(new float[] {0f, 2f, ln2, 0f}, new Shape(4, 1)), "weight_ih_l0"),
                    named(m.zeros(new Shape(4, 1)), "weight_hh_l0"),
                    named(m.zeros(new Shape(4)), "bias_ih_l0"),
                    named(m.zeros(new Shape(4)), "bias_hh_l0"));
            StateDict.load(lstm, "", weights, true, "hand");
            NDList out = lstm.apply(new ParameterStore(m, false), m.ones(new Shape(1, 2, 1)), false);
            double c1 = 0.3;
            double c2 = 1 / (1 + Math.exp(-2)) * c1 + 0.3;
            float[] h = out.get(0).toFloatArray();
            assertEquals(0.5 * Math.tanh(c1), h[0], 1e-6);
            assertEquals(0.5 * Math.tanh(c2), h[1], 1e-6);
            assertEquals(c2, out.get(2).getFloat(0, 0, 0), 1e-6);
            assertEquals(new Shape(1, 1, 1), out.get(1).getShape());
        }
    }

    @Test
    void rejectsWrongWidth() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Lstm lstm = new Lstm(4, 3);
            lstm.initialize(m);
            NDArray x = m.zeros(new Shape(1, 5, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lstm.apply(new ParameterStore(m, false), x, false));
            assertEquals("Lstm expects input (-1, -1, 4), got (1, 5, 3)", e.getMessage());
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }
}
