package com.oneshotct.model.data;

import java.util.BitSet;

/**
 * The pixels of one {@link Instance} as a binary mask the size of the whole image: bit {@code y * width + x} is set
 * where the instance is. Mask R-CNN needs each ground-truth instance on its own to build its mask targets.
 */
public final class InstanceMask {
    private final Instance instance;
    private final int width;
    private final int height;
    private final BitSet bits;

    InstanceMask(Instance instance, int width, int height, BitSet bits) {
        this.instance = instance;
        this.width = width;
        this.height = height;
        this.bits = bits;
    }

    public Instance instance() {
        return instance;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean contains(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            return false;
        }
        return bits.get(y * width + x);
    }

    /** A copy of the bits, row-major. */
    public BitSet bits() {
        return (BitSet) bits.clone();
    }

    /** The mask as 0/1 floats, row-major, height x width: the form the mask-target RoIAlign takes. */
    public float[] toFloats() {
        float[] out = new float[width * height];
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            out[i] = 1f;
        }
        return out;
    }

    /** The mask as 0/1 bytes, row-major. */
    public byte[] toBytes() {
        byte[] out = new byte[width * height];
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            out[i] = 1;
        }
        return out;
    }
}
