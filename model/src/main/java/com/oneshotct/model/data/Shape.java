package com.oneshotct.model.data;

/**
 * A smooth star-shaped blob: a rotated ellipse whose radius is modulated by a few harmonics and an optional dent.
 * In the ellipse's normalised frame (u, v) a point at radius r and angle phi is inside when
 * {@code r < 1 + sum_k amp_k cos(k phi + p_k) - dent(phi)}. The harmonics are evaluated by complex
 * multiplication, so {@link #contains} needs no transcendental function and is exact across platforms.
 */
final class Shape {
    final double cx;
    final double cy;
    final double a;
    final double b;
    private final double rotation;
    private final double cos;
    private final double sin;
    private final double[] amp;
    private final double[] phase;
    private final double[] phaseCos;
    private final double[] phaseSin;
    private final double dentAngle;
    private final double dentHalfWidth;
    private final double dentCos;
    private final double dentSin;
    private final double dentDepth;
    private final double dentCut;
    private final double reach;
    private final double core;

    private Shape(double cx, double cy, double a, double b, double rotation, double[] amp, double[] phase,
            double dentAngle, double dentDepth, double dentHalfWidth) {
        if (!(a > 0 && b > 0)) {
            throw new IllegalArgumentException("shape radii must be positive: " + a + ", " + b);
        }
        this.cx = cx;
        this.cy = cy;
        this.a = a;
        this.b = b;
        this.rotation = rotation;
        this.phase = phase;
        this.dentAngle = dentAngle;
        this.dentHalfWidth = dentHalfWidth;
        this.cos = StrictMath.cos(rotation);
        this.sin = StrictMath.sin(rotation);
        this.amp = amp;
        this.phaseCos = new double[amp.length];
        this.phaseSin = new double[amp.length];
        double total = 0;
        for (int i = 0; i < amp.length; i++) {
            phaseCos[i] = StrictMath.cos(phase[i]);
            phaseSin[i] = StrictMath.sin(phase[i]);
            total += Math.abs(amp[i]);
        }
        this.dentCos = StrictMath.cos(dentAngle);
        this.dentSin = StrictMath.sin(dentAngle);
        this.dentDepth = dentDepth;
        this.dentCut = StrictMath.cos(dentHalfWidth);
        this.reach = 1 + total;
        this.core = Math.max(0, 1 - total - dentDepth);
    }

    static Shape ellipse(double cx, double cy, double a, double b, double rotation) {
        return new Shape(cx, cy, a, b, rotation, new double[0], new double[0], 0, 0, 0);
    }

    /** An irregular blob: harmonics 2..(harmonics + 1), the k-th with amplitude up to roughness / (k - 1). */
    static Shape blob(Rng rng, double cx, double cy, double a, double b, double rotation, double roughness,
            int harmonics) {
        double[] amp = new double[harmonics];
        double[] phase = new double[harmonics];
        for (int i = 0; i < harmonics; i++) {
            amp[i] = rng.uniform(0, roughness / (i + 1));
            phase[i] = rng.uniform(0, 2 * Math.PI);
        }
        return new Shape(cx, cy, a, b, rotation, amp, phase, 0, 0, 0);
    }

    /**
     * The same shape with a dent of the given relative depth centred on {@code angle} (in the shape's normalised
     * frame, radians) and spreading {@code halfWidth} radians either side.
     */
    Shape withDent(double angle, double depth, double halfWidth) {
        return new Shape(cx, cy, a, b, rotation, amp, phase, angle, depth, halfWidth);
    }

    /** The same outline with both radii changed by {@code delta} pixels (negative shrinks). */
    Shape grown(double delta) {
        return new Shape(cx, cy, a + delta, b + delta, rotation, amp, phase, dentAngle, dentDepth,
                dentHalfWidth);
    }

    /** The same outline scaled about its centre. */
    Shape scaled(double factor) {
        return new Shape(cx, cy, a * factor, b * factor, rotation, amp, phase, dentAngle, dentDepth,
                dentHalfWidth);
    }

    /** Whether the point (x, y) (pixel centres are at +0.5) lies inside. */
    boolean contains(double x, double y) {
        double dx = x - cx;
        double dy = y - cy;
        double u = (dx * cos + dy * sin) / a;
        double v = (-dx * sin + dy * cos) / b;
        double r2 = u * u + v * v;
        if (r2 >= reach * reach) {
            return false;
        }
        if (r2 < core * core) {
            return true;
        }
        double r = Math.sqrt(r2);
        double c1 = u / r;
        double s1 = v / r;
        double radius = 1;
        double ck = c1;
        double sk = s1;
        for (int i = 0; i < amp.length; i++) {
            double c = ck * c1 - sk * s1;
            sk = sk * c1 + ck * s1;
            ck = c;
            radius += amp[i] * (ck * phaseCos[i] - sk * phaseSin[i]);
        }
        if (dentDepth > 0) {
            double c = c1 * dentCos + s1 * dentSin;
            if (c > dentCut) {
                double t = (c - dentCut) / (1 - dentCut);
                radius -= dentDepth * t * t;
            }
        }
        return r < radius;
    }

    /** Largest distance of the outline from the centre, in pixels: a safe bounding radius. */
    double extent() {
        return Math.max(a, b) * reach;
    }

    /** Row-major indices of the pixels of a size x size image whose centres are inside. */
    int[] raster(int size) {
        double e = extent();
        int x0 = Math.max(0, (int) Math.floor(cx - e));
        int x1 = Math.min(size - 1, (int) Math.ceil(cx + e));
        int y0 = Math.max(0, (int) Math.floor(cy - e));
        int y1 = Math.min(size - 1, (int) Math.ceil(cy + e));
        Grid.IntBuf out = new Grid.IntBuf();
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (contains(x + 0.5, y + 0.5)) {
                    out.add(y * size + x);
                }
            }
        }
        return out.toArray();
    }
}
