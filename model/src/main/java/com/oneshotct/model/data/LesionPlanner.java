package com.oneshotct.model.data;

/**
 * Where the lesions of each class go. COVID-19: ground-glass patches in both lungs near the lateral and posterior
 * pleura, sometimes with a small consolidation inside one. Common pneumonia: a large lobar consolidation in one
 * lung, often with a ground-glass halo, sometimes a second focus on that side or a faint spot on the other. Normal:
 * none. Sizes, positions and densities vary so the classes overlap at the edges (small or faint COVID patches,
 * bilateral faint CP spots). Each lesion is a candidate shape that {@link Phantom#add} may refuse; the planner then
 * redraws it a bounded number of times, so one refused candidate changes nothing but the draws that follow.
 */
final class LesionPlanner {
    private static final int GGO = MaskLabel.GGO.value;
    private static final int CONSOLIDATION = MaskLabel.CONSOLIDATION.value;
    /** Tries for a lesion the class must have (COVID's patch per lung, CP's main focus). */
    private static final int REQUIRED_TRIES = 40;
    /** Tries for an optional lesion. */
    private static final int OPTIONAL_TRIES = 8;
    /** CP's main focus covers at least this share of its lung. */
    private static final double LOBAR_SHARE = 0.18;

    private LesionPlanner() {
    }

    static void plan(Phantom ph, Rng rng, ImageClass kind) {
        switch (kind) {
            case NORMAL -> {
            }
            case COVID -> covid(ph, rng);
            case CP -> pneumonia(ph, rng);
        }
    }

    private static void covid(Phantom ph, Rng rng) {
        boolean small = rng.chance(0.2);
        for (int lung = 0; lung < 2; lung++) {
            int patches = 1 + (rng.chance(0.55) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0);
            for (int k = 0; k < patches; k++) {
                int tries = k == 0 ? REQUIRED_TRIES : OPTIONAL_TRIES;
                for (int t = 0; t < tries; t++) {
                    double scale = small ? rng.uniform(0.13, 0.2) : rng.uniform(0.2, 0.55);
                    if (peripheral(ph, rng, lung, GGO, scale * growth(t), rng.uniform(150, 420))) {
                        break;
                    }
                }
            }
        }
        if (rng.chance(0.45)) {
            int foci = rng.chance(0.2) ? 2 : 1;
            for (int k = 0; k < foci; k++) {
                for (int t = 0; t < OPTIONAL_TRIES; t++) {
                    if (insideGgo(ph, rng, rng.uniform(0.14, 0.26) * growth(t))) {
                        break;
                    }
                }
            }
        }
    }

    private static void pneumonia(Phantom ph, Rng rng) {
        int lung = rng.range(0, 1);
        Shape main = null;
        for (int t = 0; t < REQUIRED_TRIES && main == null; t++) {
            double r = ph.lung(lung).radius();
            double a = r * rng.uniform(0.4, 0.7) * growth(t);
            double psi = Math.PI / 2 + rng.uniform(-1.4, 1.4);
            Shape shape = around(ph, rng, lung, psi, rng.uniform(0.25, 0.65), a, a * rng.uniform(0.55, 0.95));
            // lobar: a focus covering a good part of the lung, whatever the clipping left of the drawn shape
            boolean lobar = shape != null && ph.fit(lung, shape) >= LOBAR_SHARE * ph.parts.get(lung).pixels.length;
            if (lobar && ph.add(CONSOLIDATION, lung, shape, rng.uniform(-70, 40), rng.chance(0.65))) {
                main = shape;
            }
        }
        if (main != null && rng.chance(0.55)) {
            for (int t = 0; t < OPTIONAL_TRIES; t++) {
                if (ph.add(GGO, lung, main.scaled(rng.uniform(1.15, 1.45)), rng.uniform(130, 280), false)) {
                    break;
                }
            }
        }
        if (rng.chance(0.25)) {
            for (int t = 0; t < OPTIONAL_TRIES; t++) {
                double r = ph.lung(lung).radius();
                double a = r * rng.uniform(0.15, 0.3);
                Shape shape = around(ph, rng, lung, rng.uniform(0, 2 * Math.PI), rng.uniform(0.2, 0.8), a,
                        a * rng.uniform(0.6, 1.0));
                if (shape != null && ph.add(CONSOLIDATION, lung, shape, rng.uniform(-90, 30), rng.chance(0.4))) {
                    break;
                }
            }
        }
        if (rng.chance(0.3)) {
            for (int t = 0; t < OPTIONAL_TRIES; t++) {
                if (peripheral(ph, rng, 1 - lung, GGO, rng.uniform(0.1, 0.18), rng.uniform(110, 200))) {
                    break;
                }
            }
        }
    }

    /** Later tries draw larger lesions, so a small lung (or a small image) still gets its required lesion. */
    private static double growth(int attempt) {
        return attempt < 10 ? 1.0 : Math.min(2.5, 1.0 + 0.1 * (attempt - 9));
    }

    /** A patch against the lateral or posterior pleura, elongated along it. */
    private static boolean peripheral(Phantom ph, Rng rng, int lung, int label, double scale, double intensity) {
        int side = ph.lung(lung).side();
        // directions from the lung's centre: lateral is 0 rad on the image-right lung, posterior is +pi/2
        double t = rng.uniform(-0.6, 2.1);
        double psi = side > 0 ? t : Math.PI - t;
        double a = ph.lung(lung).radius() * scale;
        Shape shape = around(ph, rng, lung, psi, rng.uniform(0.75, 1.0), a, a * rng.uniform(0.5, 0.9));
        return shape != null && ph.add(label, lung, shape, intensity, false);
    }

    /** A consolidation centred on a pixel of an existing ground-glass patch. */
    private static boolean insideGgo(Phantom ph, Rng rng, double scale) {
        int count = 0;
        for (Phantom.Part part : ph.lesions()) {
            count += part.label == GGO ? 1 : 0;
        }
        if (count == 0) {
            return false;
        }
        int pick = rng.range(0, count - 1);
        for (Phantom.Part part : ph.lesions()) {
            if (part.label == GGO && pick-- == 0) {
                int p = part.pixels[rng.range(0, part.pixels.length - 1)];
                double a = ph.lung(part.lung).radius() * scale;
                Shape shape = Shape.blob(rng, p % ph.size + 0.5, p / ph.size + 0.5, a, a * rng.uniform(0.6, 1.0),
                        rng.uniform(0, Math.PI), 0.1, 3);
                return ph.add(CONSOLIDATION, part.lung, shape, rng.uniform(-150, 20), false);
            }
        }
        return false;
    }

    /**
     * An irregular ellipse (radii a along the pleura, b across) centred at {@code depth} (0 centre .. 1 border) of the
     * way from the lung's centre to its interior's border in direction {@code psi}; null if that ray finds no
     * interior.
     */
    private static Shape around(Phantom ph, Rng rng, int lung, double psi, double depth, double a, double b) {
        Shape outline = ph.lung(lung).shape();
        double dx = StrictMath.cos(psi);
        double dy = StrictMath.sin(psi);
        double reach = 0;
        for (double d = 0; d < outline.extent(); d += 1) {
            int x = (int) Math.floor(outline.cx + d * dx);
            int y = (int) Math.floor(outline.cy + d * dy);
            if (x < 0 || y < 0 || x >= ph.size || y >= ph.size) {
                break;
            }
            if (ph.interior(lung, y * ph.size + x)) {
                reach = d;
            }
        }
        if (reach == 0) {
            return null;
        }
        double cx = outline.cx + depth * reach * dx;
        double cy = outline.cy + depth * reach * dy;
        return Shape.blob(rng, cx, cy, a, b, psi + Math.PI / 2 + rng.uniform(-0.3, 0.3), 0.12, 3);
    }
}
