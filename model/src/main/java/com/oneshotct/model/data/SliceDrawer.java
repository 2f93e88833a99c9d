package com.oneshotct.model.data;

import java.util.Arrays;

/**
 * Renders a {@link Phantom} as an 8-bit greyscale CT slice: densities in Hounsfield-like units, then scanner noise,
 * a slight blur, and a lung window. Every slice draws its own window, noise level, blur, tissue densities, lung
 * texture and vessel tree, so contrast and appearance vary between slices. Lesions are drawn exactly on the pixels
 * their mask gives them: ground glass adds a hazy density (vessels stay visible through it), consolidation replaces
 * the lung with near-soft-tissue density (with dark air bronchograms when the part asks for them).
 */
final class SliceDrawer {
    private SliceDrawer() {
    }

    static byte[] draw(Phantom ph, Rng rng) {
        int n = ph.size;
        double s = n;
        double scale = s / 256.0;
        Anatomy an = ph.anatomy;
        double air = rng.uniform(-1010, -985);
        double fat = rng.uniform(-120, -70);
        double muscle = rng.uniform(35, 60);
        double tissue = rng.uniform(25, 45);
        double skin = muscle + rng.uniform(0, 30);
        double bone = rng.uniform(500, 900);
        double lungHu = rng.uniform(-890, -820);
        double texture = rng.uniform(8, 30);
        double dependent = rng.uniform(0, 140);
        double level = rng.uniform(-720, -480);
        double width = rng.uniform(1200, 2000);
        double noise = rng.uniform(25, 90);
        double sigma = Math.max(0.4, rng.uniform(0.55, 1.0) * scale);
        double tableHu = rng.chance(0.8) ? rng.uniform(-300, 0) : air;
        ValueNoise lungTex = new ValueNoise(rng, n, s / 40);
        ValueNoise patchTex = new ValueNoise(rng, n, s / 28);

        float[] hu = new float[n * n];
        Arrays.fill(hu, (float) air);
        table(hu, n, an, tableHu);
        for (int p : an.body.raster(n)) {
            double x = p % n + 0.5;
            double y = p / n + 0.5;
            double v = !an.skinInner.contains(x, y) ? skin
                    : !an.muscleOuter.contains(x, y) ? fat
                    : !an.thorax.contains(x, y) ? muscle : tissue;
            hu[p] = (float) v;
        }
        fill(hu, n, an.heart, tissue + rng.uniform(5, 20), an.thorax);
        fill(hu, n, an.aorta, tissue + rng.uniform(5, 25), an.thorax);
        fill(hu, n, an.vertebra, bone, null);
        fill(hu, n, an.vertebra.grown(-Math.max(1.0, 1.6 * scale)), bone * rng.uniform(0.3, 0.45), null);
        fill(hu, n, an.canal, tissue - 15, null);
        fill(hu, n, an.spinous, bone * 0.8, null);
        fill(hu, n, an.sternum, bone * 0.7, null);
        for (Shape rib : an.ribs) {
            fill(hu, n, rib, bone * rng.uniform(0.6, 0.9), null);
        }

        for (int p = 0; p < hu.length; p++) {
            if (ph.owner[p] >= 0) {
                Shape lung = an.lungs.get(ph.parts.get(ph.owner[p]).lung).shape();
                double back = Math.min(1, Math.max(0, (p / n + 0.5 - lung.cy) / lung.b));
                hu[p] = (float) (lungHu + texture * lungTex.at(p % n, p / n) + dependent * back * back);
            }
        }
        float[] vessels = new float[n * n];
        for (int i = 0; i < an.lungs.size(); i++) {
            vesselTree(vessels, n, rng, an.lungs.get(i), scale);
            dots(vessels, n, rng, ph.parts.get(i).pixels, scale);
        }
        for (int p = 0; p < hu.length; p++) {
            if (ph.owner[p] >= 0) {
                hu[p] += vessels[p];
            }
        }
        for (Phantom.Part part : ph.lesions()) {
            lesion(hu, ph, part, rng, patchTex, lungHu, scale);
        }

        for (int p = 0; p < hu.length; p++) {
            hu[p] += (float) (noise * rng.gaussian());
        }
        float[] blurred = Blur.gaussian(hu, n, sigma);
        byte[] out = new byte[n * n];
        double lo = level - width / 2;
        for (int p = 0; p < out.length; p++) {
            double v = (blurred[p] - lo) / width * 255.0;
            out[p] = (byte) Math.max(0, Math.min(255, (int) Math.floor(v + 0.5)));
        }
        return out;
    }

    /** The scanner table under the patient: a band whose ends curve up. */
    private static void table(float[] hu, int n, Anatomy an, double value) {
        double half = n * 0.42;
        for (int x = 0; x < n; x++) {
            double u = (x + 0.5 - an.midline) / half;
            if (Math.abs(u) > 1) {
                continue;
            }
            double top = an.tableTop - n * 0.025 * u * u;
            for (int y = Math.max(0, (int) top); y < Math.min(n, (int) (top + an.tableThickness)); y++) {
                hu[y * n + x] = (float) value;
            }
        }
    }

    private static void fill(float[] hu, int n, Shape shape, double value, Shape within) {
        for (int p : shape.raster(n)) {
            if (within == null || within.contains(p % n + 0.5, p / n + 0.5)) {
                hu[p] = (float) value;
            }
        }
    }

    /** Pulmonary vessels: a few trunks from the hilum, branching outwards, thinning as they go. */
    private static void vesselTree(float[] layer, int n, Rng rng, Anatomy.Lung lung, double scale) {
        Shape sh = lung.shape();
        int side = lung.side();
        double hx = sh.cx - side * sh.a * 0.8;
        double hy = sh.cy + sh.b * rng.uniform(-0.05, 0.2);
        int trunks = rng.range(4, 6);
        for (int i = 0; i < trunks; i++) {
            double t = rng.uniform(-1.8, 1.8);
            double angle = side > 0 ? t : Math.PI - t;
            branch(layer, n, rng, hx, hy, angle, lung.radius() * rng.uniform(0.18, 0.28),
                    scale * rng.uniform(0.9, 1.4), rng.uniform(450, 700), 3);
        }
    }

    private static void branch(float[] layer, int n, Rng rng, double x, double y, double angle, double length,
            double radius, double strength, int depth) {
        double ex = x + length * StrictMath.cos(angle);
        double ey = y + length * StrictMath.sin(angle);
        segment(layer, n, x, y, ex, ey, Math.max(0.35, radius), strength);
        if (depth == 0) {
            return;
        }
        branch(layer, n, rng, ex, ey, angle + rng.uniform(-0.3, 0.3), length * rng.uniform(0.6, 0.8),
                radius * 0.75, strength * 0.9, depth - 1);
        if (rng.chance(0.7)) {
            double turn = rng.uniform(0.35, 0.8) * (rng.chance(0.5) ? 1 : -1);
            branch(layer, n, rng, ex, ey, angle + turn, length * rng.uniform(0.45, 0.65), radius * 0.65,
                    strength * 0.85, depth - 1);
        }
    }

    /** Vessels cut across: small bright dots scattered over the lung. */
    private static void dots(float[] layer, int n, Rng rng, int[] lungPixels, double scale) {
        int count = (int) (lungPixels.length / rng.uniform(60, 130));
        for (int i = 0; i < count; i++) {
            int p = lungPixels[rng.range(0, lungPixels.length - 1)];
            double x = p % n + 0.5;
            double y = p / n + 0.5;
            segment(layer, n, x, y, x, y, Math.max(0.35, scale * rng.uniform(0.4, 1.3)), rng.uniform(250, 600));
        }
    }

    /** Draws an anti-aliased thick segment into {@code layer}, keeping the brighter value where drawings cross. */
    private static void segment(float[] layer, int n, double x0, double y0, double x1, double y1, double radius,
            double strength) {
        int xa = Math.max(0, (int) Math.floor(Math.min(x0, x1) - radius - 1));
        int xb = Math.min(n - 1, (int) Math.ceil(Math.max(x0, x1) + radius + 1));
        int ya = Math.max(0, (int) Math.floor(Math.min(y0, y1) - radius - 1));
        int yb = Math.min(n - 1, (int) Math.ceil(Math.max(y0, y1) + radius + 1));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        for (int y = ya; y <= yb; y++) {
            for (int x = xa; x <= xb; x++) {
                double px = x + 0.5 - x0;
                double py = y + 0.5 - y0;
                double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
                double ex = px - t * dx;
                double ey = py - t * dy;
                double cover = Math.min(1, Math.max(0, radius + 0.5 - Math.sqrt(ex * ex + ey * ey)));
                float v = (float) (strength * cover);
                if (v > layer[y * n + x]) {
                    layer[y * n + x] = v;
                }
            }
        }
    }

    private static void lesion(float[] hu, Phantom ph, Phantom.Part part, Rng rng, ValueNoise tex, double lungHu,
            double scale) {
        int n = ph.size;
        int id = ph.owner[part.pixels[0]];
        if (part.label == MaskLabel.GGO.value) {
            for (int p : part.pixels) {
                double inner = Math.min(1, 1.4 * share(ph, p, id, 3));
                double patchy = 0.7 + 0.3 * tex.at(p % n, p / n);
                hu[p] += (float) (part.intensity * patchy * inner);
            }
            return;
        }
        double alpha = rng.uniform(0.85, 1.0);
        for (int p : part.pixels) {
            double a = alpha * Math.min(1, 1.2 * share(ph, p, id, 1));
            double target = part.intensity + 18 * tex.at(p % n, p / n);
            hu[p] = (float) (hu[p] * (1 - a) + target * a);
        }
        if (part.bronchogram) {
            float[] air = new float[n * n];
            double cx = 0;
            double cy = 0;
            for (int p : part.pixels) {
                cx += p % n + 0.5;
                cy += p / n + 0.5;
            }
            cx /= part.pixels.length;
            cy /= part.pixels.length;
            double reach = Math.sqrt(part.pixels.length) * rng.uniform(0.3, 0.5);
            int count = rng.range(1, 3);
            for (int i = 0; i < count; i++) {
                branch(air, n, rng, cx, cy, rng.uniform(0, 2 * Math.PI), reach, scale * rng.uniform(0.6, 1.0), 1,
                        2);
            }
            for (int p : part.pixels) {
                double a = 0.75 * Math.min(1, air[p]);
                hu[p] = (float) (hu[p] * (1 - a) + lungHu * a);
            }
        }
    }

    /** The share of the (2r+1)^2 neighbourhood of p owned by object {@code id}: fades a lesion towards its edge. */
    private static double share(Phantom ph, int p, int id, int r) {
        int n = ph.size;
        int px = p % n;
        int py = p / n;
        int count = 0;
        for (int y = py - r; y <= py + r; y++) {
            for (int x = px - r; x <= px + r; x++) {
                if (x >= 0 && y >= 0 && x < n && y < n && ph.owner[y * n + x] == id) {
                    count++;
                }
            }
        }
        return count / (double) ((2 * r + 1) * (2 * r + 1));
    }
}
