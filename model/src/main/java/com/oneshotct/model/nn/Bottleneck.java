package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.oneshotct.config.ModelConfig;

/**
 * torchvision's {@code Bottleneck} (ResNet v1.5, ResNeXt): 1x1 conv to {@code width}, grouped 3x3 conv carrying the
 * stride, 1x1 conv to {@code planes * 4}, each followed by BatchNorm, ReLU after the sum with the shortcut.
 * {@code width = planes * widthPerGroup / 64 * groups}. The shortcut is {@code downsample} (1x1 conv with the stride
 * + BatchNorm) when the shape changes, else the identity.
 */
public final class Bottleneck extends NetBlock {
    private final Conv conv1;
    private final BatchNorm2d bn1;
    private final Conv conv2;
    private final BatchNorm2d bn2;
    private final Conv conv3;
    private final BatchNorm2d bn3;
    private final Seq downsample;

    Bottleneck(int inplanes, int planes, int stride, int groups, int widthPerGroup, ModelConfig config) {
        int width = (int) (planes * (widthPerGroup / 64.0)) * groups;
        int out = planes * 4;
        conv1 = addChildBlock("conv1", Conv.plain(inplanes, width, 1, 1, 0, 1));
        bn1 = addChildBlock("bn1", BatchNorm2d.of(width, config));
        conv2 = addChildBlock("conv2", Conv.plain(width, width, 3, stride, 1, groups));
        bn2 = addChildBlock("bn2", BatchNorm2d.of(width, config));
        conv3 = addChildBlock("conv3", Conv.plain(width, out, 1, 1, 0, 1));
        bn3 = addChildBlock("bn3", BatchNorm2d.of(out, config));
        downsample = stride != 1 || inplanes != out
                ? addChildBlock("downsample",
                        new Seq(Conv.plain(inplanes, out, 1, stride, 0, 1), BatchNorm2d.of(out, config)))
                : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(scoped(inputs.singletonOrThrow(), x -> {
            NDArray y = Activation.relu(bn1.apply(ps, conv1.apply(ps, x, training), training));
            y = Activation.relu(bn2.apply(ps, conv2.apply(ps, y, training), training));
            y = bn3.apply(ps, conv3.apply(ps, y, training), training);
            NDArray shortcut = downsample == null ? x
                    : downsample.forward(ps, new NDList(x), training, params).singletonOrThrow();
            return Activation.relu(y.add(shortcut));
        }));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return conv3.getOutputShapes(conv2.getOutputShapes(conv1.getOutputShapes(inputs)));
    }
}
