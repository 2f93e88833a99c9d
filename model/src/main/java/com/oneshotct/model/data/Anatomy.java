package com.oneshotct.model.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The random anatomy of one synthetic axial chest slice, in pixels: body outline with skin, fat and muscle layers,
 * mediastinum with heart and aorta, vertebra, sternum, ribs, the scanner table, and the two lungs. Image x grows to
 * the right and y downwards (posterior); by the radiological convention the patient's left, with the heart, is on
 * the image's right. Only geometry: {@link SliceDrawer} gives it intensities.
 */
final class Anatomy {
    /** One lung: its outline before clipping and its side (-1 image left, +1 image right). */
    record Lung(Shape shape, int side) {
        /** Geometric mean radius: the length lesions scale with. */
        double radius() {
            return Math.sqrt(shape.a * shape.b);
        }
    }

    final int size;
    final Shape body;
    final Shape skinInner;
    final Shape muscleOuter;
    final Shape thorax;
    final Shape heart;
    final Shape aorta;
    final Shape vertebra;
    final Shape canal;
    final Shape spinous;
    final Shape sternum;
    final List<Shape> ribs;
    final double tableTop;
    final double tableThickness;
    final double midline;
    final double mediastinumHalfWidth;
    final List<Lung> lungs;

    private Anatomy(int size, Shape body, Shape skinInner, Shape muscleOuter, Shape thorax, Shape heart, Shape aorta,
            Shape vertebra, Shape canal, Shape spinous, Shape sternum, List<Shape> ribs, double tableTop,
            double tableThickness, double midline, double mediastinumHalfWidth, List<Lung> lungs) {
        this.size = size;
        this.body = body;
        this.skinInner = skinInner;
        this.muscleOuter = muscleOuter;
        this.thorax = thorax;
        this.heart = heart;
        this.aorta = aorta;
        this.vertebra = vertebra;
        this.canal = canal;
        this.spinous = spinous;
        this.sternum = sternum;
        this.ribs = ribs;
        this.tableTop = tableTop;
        this.tableThickness = tableThickness;
        this.midline = midline;
        this.mediastinumHalfWidth = mediastinumHalfWidth;
        this.lungs = lungs;
    }

    static Anatomy sample(Rng rng, int size) {
        double s = size;
        double cx = s * (0.5 + rng.uniform(-0.02, 0.02));
        double cy = s * rng.uniform(0.47, 0.52);
        double ax = s * rng.uniform(0.37, 0.45);
        double ay = Math.min(ax * rng.uniform(0.66, 0.8), s * 0.40);
        Shape body = Shape.blob(rng, cx, cy, ax, ay, rng.uniform(-0.03, 0.03), 0.03, 3);
        double skin = Math.max(1.0, s * 0.005);
        double fat = s * rng.uniform(0.012, 0.035);
        double muscle = s * rng.uniform(0.02, 0.035);
        Shape skinInner = body.grown(-skin);
        Shape muscleOuter = body.grown(-skin - fat);
        Shape thorax = body.grown(-skin - fat - muscle);

        double vr = s * rng.uniform(0.038, 0.05);
        double vy = cy + ay - skin - fat - vr * rng.uniform(2.6, 3.0);
        Shape vertebra = Shape.blob(rng, cx, vy, vr * 1.1, vr, 0, 0.04, 2);
        Shape canal = Shape.ellipse(cx, vy + vr * 1.45, vr * 0.5, vr * 0.42, 0);
        Shape spinous = Shape.ellipse(cx, vy + vr * 2.25, vr * 0.28, vr * 0.6, 0);
        Shape sternum = Shape.ellipse(cx, cy - ay + skin + fat + muscle * 0.6, s * rng.uniform(0.025, 0.035),
                s * rng.uniform(0.008, 0.013), 0);
        Shape heart = Shape.blob(rng, cx + s * rng.uniform(0.02, 0.06), cy - ay * rng.uniform(0.0, 0.15),
                ax * rng.uniform(0.24, 0.3), ay * rng.uniform(0.35, 0.45), rng.uniform(-0.5, -0.2), 0.05, 2);
        Shape aorta = Shape.ellipse(cx + vr * 1.2, vy - vr * 1.1, s * 0.024, s * 0.024, 0);

        List<Shape> ribs = new ArrayList<>();
        int perSide = rng.range(4, 7);
        for (int side = -1; side <= 1; side += 2) {
            for (int i = 0; i < perSide; i++) {
                // angle on the thorax outline, from anterior-lateral round to posterior-lateral, per side
                double t = rng.uniform(-1.2, 1.0);
                double angle = side > 0 ? t : Math.PI - t;
                double rx = thorax.cx + (thorax.a + muscle * 0.35) * StrictMath.cos(angle);
                double ry = thorax.cy + (thorax.b + muscle * 0.35) * StrictMath.sin(angle);
                double r = s * rng.uniform(0.008, 0.014);
                ribs.add(Shape.ellipse(rx, ry, r * 1.6, r, angle + Math.PI / 2));
            }
        }
        double tableTop = cy + ay + s * rng.uniform(0.02, 0.05);
        double tableThickness = s * rng.uniform(0.015, 0.03);
        double gap = s * rng.uniform(0.02, 0.035);

        List<Lung> lungs = new ArrayList<>();
        for (int side = -1; side <= 1; side += 2) {
            double lx = cx + side * ax * rng.uniform(0.38, 0.47);
            double ly = cy - ay * rng.uniform(0.02, 0.14);
            double lrx = ax * rng.uniform(0.27, 0.34);
            double lry = ay * rng.uniform(0.62, 0.8);
            Shape outline = Shape.blob(rng, lx, ly, lrx, lry, side * rng.uniform(0.0, 0.2), 0.05, 4);
            // the cardiac notch: medial and anterior, deeper on the heart's side (image right)
            double notch = StrictMath.atan2(-rng.uniform(0.2, 0.7), -side);
            double depth = side > 0 ? rng.uniform(0.14, 0.28) : rng.uniform(0.04, 0.14);
            lungs.add(new Lung(outline.withDent(notch, depth, rng.uniform(0.6, 1.0)), side));
        }
        return new Anatomy(size, body, skinInner, muscleOuter, thorax, heart, aorta, vertebra, canal, spinous,
                sternum, List.copyOf(ribs), tableTop, tableThickness, cx, gap, List.copyOf(lungs));
    }

    /**
     * The pixels of one lung: its outline clipped to the thorax, to its own side of the mediastinum and away from
     * the vertebra, so the two lungs never touch.
     */
    int[] lungPixels(Lung lung) {
        double exclusion = vertebra.extent() * 1.35 + 2;
        int[] raw = lung.shape().raster(size);
        return Grid.filter(raw, p -> {
            double x = p % size + 0.5;
            double y = p / size + 0.5;
            if (lung.side() * (x - midline) <= mediastinumHalfWidth) {
                return false;
            }
            double dx = x - vertebra.cx;
            double dy = y - vertebra.cy;
            return dx * dx + dy * dy > exclusion * exclusion && thorax.contains(x, y);
        });
    }
}
