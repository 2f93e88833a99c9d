package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.util.function.UnaryOperator;

/**
 * Base of the network's blocks. Every parameter's shape is fixed at construction (from the configuration, as in
 * PyTorch), so a block initialises without sample input shapes and its parameters can be counted before any
 * memory is allocated. Children are added under their reference names ({@code addChildBlock("conv1", ...)}), which
 * {@link StateDict} turns into the reference's state-dict keys.
 */
public abstract class NetBlock extends AbstractBlock {

    /** Allocates and initialises every parameter of this block and its children, in float32. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Block> child : children) {
            child.getValue().initialize(manager, dataType);
        }
    }

    /** Adds a parameter of fixed shape. Running statistics take no gradient. */
    protected Parameter param(String name, Parameter.Type type, Shape shape, Initializer init) {
        boolean grad = type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR;
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init)
                .optRequiresGrad(grad).build());
    }

    /**
     * Runs {@code body} on {@code x} in a sub-manager of x's manager and keeps only what it returns (attached to x's
     * manager): the block's intermediate arrays are freed as soon as it is done, as PyTorch frees a module's
     * temporaries when they go out of scope. Under a gradient collector libtorch's graph still holds the tensors
     * backward needs, and frees each as backward passes it; without this every activation of the pass stayed alive
     * until the caller's manager closed, through backward, doubling the step's peak memory.
     */
    protected static NDArray scoped(NDArray x, UnaryOperator<NDArray> body) {
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = body.apply(x);
            if (y != x) {
                y.attach(owner);
            }
            return y;
        }
    }

    static IllegalArgumentException badInput(Block block, Shape expected, Shape got) {
        return new IllegalArgumentException(block.getClass().getSimpleName() + " expects input " + expected
                + ", got " + got);
    }
}
