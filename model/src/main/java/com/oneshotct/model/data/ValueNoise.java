package com.oneshotct.model.data;

/**
 * Smooth random texture: uniform values in [-1, 1] on a coarse lattice, interpolated with a smoothstep.
 * Lattice spacing {@code cell} pixels; the whole field is drawn up front so evaluation order does not matter.
 */
final class ValueNoise {
    private final double cell;
    private final int n;
    private final double[] lattice;

    ValueNoise(Rng rng, int size, double cell) {
        this.cell = Math.max(1.0, cell);
        this.n = (int) Math.ceil(size / this.cell) + 2;
        this.lattice = new double[n * n];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = rng.uniform(-1, 1);
        }
    }

    /** The field at pixel (x, y), in [-1, 1]. */
    double at(int x, int y) {
        double fx = (x + 0.5) / cell;
        double fy = (y + 0.5) / cell;
        int ix = (int) fx;
        int iy = (int) fy;
        double tx = smooth(fx - ix);
        double ty = smooth(fy - iy);
        double v00 = lattice[iy * n + ix];
        double v10 = lattice[iy * n + ix + 1];
        double v01 = lattice[(iy + 1) * n + ix];
        double v11 = lattice[(iy + 1) * n + ix + 1];
        double top = v00 + (v10 - v00) * tx;
        double bottom = v01 + (v11 - v01) * tx;
        return top + (bottom - top) * ty;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }
}
