package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.ModelConfig;

/**
 * torchvision's {@code BasicBlock} (ResNet18/34): two 3x3 convs with BatchNorm, the first carrying the stride, ReLU
 * after the first and after the sum with the shortcut ({@code downsample} = 1x1 conv + BatchNorm when the shape
 * changes).
 */
public final class BasicBlock extends NetBlock {
    private final Conv conv1;
    private final BatchNorm2d bn1;
    private final Conv conv2;
    private final BatchNorm2d bn2;
    private final Seq downsample;

    BasicBlock(int inplanes, int planes, int stride, ModelConfig config) {
        conv1 = addChildBlock("conv1", Conv.plain(inplanes, planes, 3, stride, 1, 1));
        bn1 = addChildBlock("bn1", BatchNorm2d.of(planes, config));
        conv2 = addChildBlock("conv2", Conv.plain(planes, planes, 3, 1, 1, 1));
        bn2 = addChildBlock("bn2", BatchNorm2d.of(planes, config));
        downsample = stride != 1 || inplanes != planes
                ? addChildBlock("downsample",
                        new Seq(Conv.plain(inplanes, planes, 1, stride, 0, 1), BatchNorm2d.of(planes, config)))
                : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(scoped(inputs.singletonOrThrow(), x -> {
            NDArray y = Activation.relu(bn1.apply(ps, conv1.apply(ps, x, training), training));
            y = bn2.apply(ps, conv2.apply(ps, y, training), training);
            NDArray shortcut = downsample == null ? x
                    : downsample.forward(ps, new NDList(x), training, params).singletonOrThrow();
            return Activation.relu(y.add(shortcut));
        }));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return conv2.getOutputShapes(conv1.getOutputShapes(inputs));
    }
}
