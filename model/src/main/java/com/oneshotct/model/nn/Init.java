package com.oneshotct.model.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;

/**
 * torchvision's initialisations for the parts of Mask R-CNN, so that a model trained from scratch here starts where
 * the reference did. Random draws use the engine's generator ({@code Engine.getInstance().setRandomSeed}).
 * Fan-in and fan-out are PyTorch's: {@code shape[1] * receptive field} and {@code shape[0] * receptive field},
 * whatever the layout (so a transposed conv's "fan-out" is its in-channels times k*k, as in torchvision).
 */
final class Init {
    private Init() {}

    static long receptive(Shape s) {
        long r = 1;
        for (int i = 2; i < s.dimension(); i++) {
            r *= s.get(i);
        }
        return r;
    }

    /** {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}: ResNet convs, mask head and predictor. */
    static Initializer kaimingNormalFanOut() {
        return (manager, shape, type) -> {
            double std = Math.sqrt(2.0 / (shape.get(0) * receptive(shape)));
            return manager.randomNormal(0f, (float) std, shape, type);
        };
    }

    /** {@code kaiming_uniform_(a=1)}: the FPN's convs. Gain sqrt(2 / (1 + a^2)) = 1, bound sqrt(3 / fan_in). */
    static Initializer kaimingUniformA1() {
        return (manager, shape, type) -> {
            float bound = (float) Math.sqrt(3.0 / (shape.get(1) * receptive(shape)));
            return manager.randomUniform(-bound, bound, shape, type);
        };
    }

    /** {@code normal_(std)}: the RPN head. */
    static Initializer normal(double std) {
        return (manager, shape, type) -> manager.randomNormal(0f, (float) std, shape, type);
    }

    /**
     * PyTorch's default for {@code nn.Linear}, weight and bias alike: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
     * ({@code kaiming_uniform_(a=sqrt(5))} reduces to that). The box head and predictor keep it in torchvision.
     */
    static Initializer linearDefault(long fanIn) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return (manager, shape, type) -> manager.randomUniform(-bound, bound, shape, type);
    }

    /** The authors' bias for the s2 predictor and the attention layer. */
    static final float AUTHORS_BIAS = 0.01f;

    /**
     * The loop the authors' {@code MaskRCNNPredictorTruncated} and {@code AttentionLayer} run over their own
     * {@code named_parameters()} ({@code attn_model.py}): a trainable tensor whose key contains "weight" and
     * "conv" takes kaiming_normal(fan_out, relu), one whose key contains "bias" the constant 0.01 (BatchNorm and
     * LSTM biases included); the rest keeps its default (BatchNorm weights 1, LSTM and linear weights PyTorch's
     * uniform). Keys are relative to {@code block}, so "conv" matches its own convs only. Sets initializers:
     * call before {@code initialize}.
     */
    static void authors(Block block) {
        Initializer bias = new ConstantInitializer(AUTHORS_BIAS);
        for (StateDict.Entry e : StateDict.entries(block)) {
            if (e.kind().buffer()) {
                continue;
            }
            if (e.key().contains("weight") && e.key().contains("conv")) {
                e.parameter().setInitializer(kaimingNormalFanOut());
            } else if (e.key().contains("bias")) {
                e.parameter().setInitializer(bias);
            }
        }
    }
}
