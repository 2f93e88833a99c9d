package com.oneshotct.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The backbone bodies, in torchvision's layout and naming. {@code groups} and {@code widthPerGroup} follow
 * torchvision: a bottleneck's inner width is {@code planes * widthPerGroup / 64 * groups}.
 */
public enum BodyArch {
    RESNEXT50_32X4D("resnext50_32x4d", true, new int[] {3, 4, 6, 3}, 32, 4),
    RESNEXT101_32X8D("resnext101_32x8d", true, new int[] {3, 4, 23, 3}, 32, 8),
    RESNET18("resnet18", false, new int[] {2, 2, 2, 2}, 1, 64),
    RESNET34("resnet34", false, new int[] {3, 4, 6, 3}, 1, 64);

    private final String id;
    private final boolean bottleneck;
    private final int[] blocks;
    private final int groups;
    private final int widthPerGroup;

    BodyArch(String id, boolean bottleneck, int[] blocks, int groups, int widthPerGroup) {
        this.id = id;
        this.bottleneck = bottleneck;
        this.blocks = blocks;
        this.groups = groups;
        this.widthPerGroup = widthPerGroup;
    }

    /** torchvision's name, e.g. {@code resnext50_32x4d}. */
    public String id() {
        return id;
    }

    public boolean bottleneck() {
        return bottleneck;
    }

    /** Residual blocks in layer {@code stage} (1..4). */
    public int blocks(int stage) {
        return blocks[stage - 1];
    }

    public int groups() {
        return groups;
    }

    public int widthPerGroup() {
        return widthPerGroup;
    }

    /** Channels out of a residual block of planes {@code planes}: 4x for bottlenecks, 1x for basic blocks. */
    public int expansion() {
        return bottleneck ? 4 : 1;
    }

    /** Channels of C5, the body's only output. */
    public int outChannels() {
        return 512 * expansion();
    }

    /** By torchvision name (case-insensitive); an unknown name is an error listing the known ones. */
    public static BodyArch of(String name) {
        for (BodyArch a : values()) {
            if (a.id.equalsIgnoreCase(name.trim()) || a.name().equalsIgnoreCase(name.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown backbone '" + name + "'; known: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(BodyArch::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
