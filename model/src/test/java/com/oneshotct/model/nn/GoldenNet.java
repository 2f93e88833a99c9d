package com.oneshotct.model.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.testing.Golden;

/**
 * The ResNeXt50 network of {@code oneshot_forward.npz} with its closed-formula weights, built once per test JVM
 * (it takes seconds) and shared by the golden tests of the forward pass.
 */
final class GoldenNet {
    static final NDManager MANAGER = NDManager.newBaseManager("PyTorch");
    static final NDList GOLDEN = Golden.load(MANAGER, "oneshot_forward.npz");
    static final OneShotNet NET = build();

    private GoldenNet() {}

    /**
     * The backbone alone with the formula weights of {@code salt}, its parameters in {@code type}: float64 gives the
     * float32 network's weights widened exactly, computed in (near-)exact arithmetic.
     */
    static Backbone backbone(NDManager manager, DataType type, long salt) {
        Backbone b = new Backbone(ModelConfig.defaults());
        b.initialize(manager, type);
        FormulaWeights.apply(b, "backbone.", salt);
        return b;
    }

    private static OneShotNet build() {
        OneShotNet net = new OneShotNet(ModelConfig.defaults());
        net.initialize(MANAGER);
        FormulaWeights.apply(net, GOLDEN.get("salt").toLongArray()[0]);
        return net;
    }
}
