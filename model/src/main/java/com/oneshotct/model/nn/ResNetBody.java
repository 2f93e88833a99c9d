package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;

/**
 * A torchvision ResNet / ResNeXt without its classifier ({@code backbone.body}): stem conv 7x7/2 (bias-free) +
 * BatchNorm + ReLU + max-pool 3x3/2 pad 1, then {@code layer1..layer4} of planes 64, 128, 256, 512 with strides
 * 1, 2, 2, 2. Returns only C5, (N, 512 * expansion, H/32, W/32).
 */
public final class ResNetBody extends NetBlock {
    private final BodyArch arch;
    private final Conv conv1;
    private final BatchNorm2d bn1;
    private final Seq[] layers = new Seq[4];

    public ResNetBody(ModelConfig config) {
        arch = config.backbone();
        conv1 = addChildBlock("conv1", Conv.plain(3, 64, 7, 2, 3, 1));
        bn1 = addChildBlock("bn1", BatchNorm2d.of(64, config));
        int inplanes = 64;
        for (int stage = 1; stage <= 4; stage++) {
            int planes = 64 << (stage - 1);
            int stride = stage == 1 ? 1 : 2;
            Seq layer = new Seq();
            for (int i = 0; i < arch.blocks(stage); i++) {
                int s = i == 0 ? stride : 1;
                layer.add(arch.bottleneck()
                        ? new Bottleneck(inplanes, planes, s, arch.groups(), arch.widthPerGroup(), config)
                        : new BasicBlock(inplanes, planes, s, config));
                inplanes = planes * arch.expansion();
            }
            layers[stage - 1] = addChildBlock("layer" + stage, layer);
        }
    }

    public BodyArch arch() {
        return arch;
    }

    /** Channels of C5. */
    public int outChannels() {
        return arch.outChannels();
    }

    /** C5 of images (N, 3, H, W). */
    public NDArray apply(ParameterStore ps, NDArray images, boolean training) {
        // each block frees its intermediates on return (see NetBlock#scoped), and its result once the next block
        // has read it (a graph that needs it for backward keeps it)
        NDArray x = scoped(images, in -> Pool.maxPool2d(
                Activation.relu(bn1.apply(ps, conv1.apply(ps, in, training), training)),
                new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false));
        for (Seq layer : layers) {
            for (int i = 0; i < layer.size(); i++) {
                NDArray next = layer.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
                x.close();
                x = next;
            }
        }
        return x;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), outChannels(), stride32(s.get(2)), stride32(s.get(3)))};
    }

    /** Side after the stem conv, the pool and three stride-2 stages, each {@code (n - 1) / 2 + 1}. */
    private static long stride32(long n) {
        long s = n;
        for (int i = 0; i < 5; i++) {
            s = (s - 1) / 2 + 1;
        }
        return s;
    }
}
