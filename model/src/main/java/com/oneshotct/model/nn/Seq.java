package com.oneshotct.model.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.Sequential} / {@code nn.ModuleList} naming: children "0", "1", ... run in order
 * ({@code layer1.0.conv1}, {@code downsample.0}, {@code fpn.inner_blocks.0}). DJL's SequentialBlock names its
 * children after their classes, which would not map to the reference's keys.
 */
public final class Seq extends NetBlock {

    public Seq(Block... blocks) {
        for (Block b : blocks) {
            add(b);
        }
    }

    public Seq add(Block block) {
        addChildBlock(String.valueOf(children.size()), block);
        return this;
    }

    public int size() {
        return children.size();
    }

    /** The i-th child (0-based, as its name). */
    public Block get(int i) {
        return children.get(i).getValue();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (Pair<String, Block> child : children) {
            x = child.getValue().forward(ps, x, training, params);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape[] s = inputs;
        for (Pair<String, Block> child : children) {
            s = child.getValue().getOutputShapes(s);
        }
        return s;
    }
}
