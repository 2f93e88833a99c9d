package com.oneshotct.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Keeps the model's arrays on the model's device. libtorch fails late and vaguely ("Expected all tensors to be on
 * the same device") when a CPU array meets a GPU one deep in a forward pass, or silently copies; these checks fail
 * at the boundary, naming what is where. The model's device is where its parameters live; a trainer, predictor or
 * step is handed a manager, and every array it makes lives on that manager's device, so the manager must be on the
 * model's.
 */
public final class Devices {
    private Devices() {}

    /** The device of {@code net}'s parameters (initialised); CPU for a block without any. */
    public static Device of(Block net) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getValue().isInitialized()) {
                return p.getValue().getArray().getDevice();
            }
        }
        return Device.cpu();
    }

    /** {@code manager} makes arrays on {@code net}'s device, or an {@link IllegalArgumentException} says where. */
    public static void require(Block net, NDManager manager, String who) {
        Device model = of(net);
        if (!model.equals(manager.getDevice())) {
            throw new IllegalArgumentException(who + " was given a manager on " + manager.getDevice()
                    + " for a model on " + model + ": every array it makes would be on the wrong device");
        }
    }

    /** Each array is on {@code device}, or an {@link IllegalStateException} names the first that is not. */
    public static void require(Device device, String where, NDArray... arrays) {
        for (NDArray a : arrays) {
            if (!device.equals(a.getDevice())) {
                throw new IllegalStateException(where + ": " + (a.getName() == null ? "an array" : a.getName())
                        + " of shape " + a.getShape() + " is on " + a.getDevice() + ", the model on " + device);
            }
        }
    }
}
