package com.oneshotct.model.infer;

import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.MaskLabel;
import com.oneshotct.model.metrics.BinaryMask;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A slice with coloured masks (lung blue, GGO yellow, consolidation red), the detection boxes and a caption: what a
 * person looks at to judge a prediction. Small slices are enlarged (nearest neighbour) to at least 384 px.
 */
public final class Overlay {
    private static final int MIN_SIDE = 384;
    private static final int CAPTION = 22;

    /** A mask to draw, with an optional box (null: none) and label text (null: none). */
    public record Layer(MaskLabel label, BinaryMask mask, float[] box, String text) {}

    private Overlay() {}

    public static Color color(MaskLabel label) {
        return switch (label) {
            case LUNG -> new Color(40, 120, 255);
            case GGO -> new Color(255, 210, 0);
            case CONSOLIDATION -> new Color(235, 40, 40);
            case BACKGROUND -> Color.BLACK;
        };
    }

    /** The prediction's lesions over the slice, captioned with the class and its probabilities. */
    public static BufferedImage render(GreyImage image, Prediction p) {
        List<Layer> layers = p.lesions().stream()
                .map(l -> new Layer(l.label(), l.mask(), l.box(),
                        String.format(Locale.ROOT, "%s %.2f", l.label().name().toLowerCase(Locale.ROOT), l.score())))
                .toList();
        double[] pr = p.probabilities();
        String caption = String.format(Locale.ROOT, "%s  (Normal %.2f, CP %.2f, COVID-19 %.2f)",
                className(p.predicted().index), pr[0], pr[1], pr[2]);
        return render(image, layers, caption);
    }

    /** Any masks over the slice with a caption (e.g. the ground truth, for a side-by-side). */
    public static BufferedImage render(GreyImage image, List<Layer> layers, String caption) {
        int w = image.width();
        int h = image.height();
        int scale = Math.max(1, (MIN_SIDE + Math.max(w, h) - 1) / Math.max(w, h));
        // draw larger masks first so that small lesions stay visible on top of the lungs
        List<Layer> ordered = layers.stream()
                .sorted((a, b) -> Long.compare(b.mask().area(), a.mask().area())).toList();
        int[] rgb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double r = image.get(x, y);
                double g = r;
                double b = r;
                for (Layer l : ordered) {
                    if (l.mask().get(y, x)) {
                        Color c = color(l.label());
                        double a = l.label() == MaskLabel.LUNG ? 0.25 : 0.5;
                        r = (1 - a) * r + a * c.getRed();
                        g = (1 - a) * g + a * c.getGreen();
                        b = (1 - a) * b + a * c.getBlue();
                    }
                }
                rgb[y * w + x] = ((int) r << 16) | ((int) g << 8) | (int) b;
            }
        }
        BufferedImage out = new BufferedImage(w * scale, h * scale + CAPTION, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                out.setRGB(x, y + CAPTION, rgb[(y / scale) * w + x / scale]);
            }
        }
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.setColor(Color.WHITE);
            g.drawString(caption, 4, CAPTION - 6);
            g.setStroke(new BasicStroke(1.5f));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (Layer l : layers) {
                if (l.box() == null) {
                    continue;
                }
                float[] bx = l.box();
                g.setColor(color(l.label()));
                int x1 = Math.round(bx[0] * scale);
                int y1 = Math.round(bx[1] * scale) + CAPTION;
                g.drawRect(x1, y1, Math.round((bx[2] - bx[0]) * scale), Math.round((bx[3] - bx[1]) * scale));
                if (l.text() != null) {
                    g.drawString(l.text(), x1 + 2, Math.max(CAPTION + 10, y1 - 3));
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    public static String className(int index) {
        return switch (index) {
            case 0 -> "Normal";
            case 1 -> "CP";
            case 2 -> "COVID-19";
            default -> throw new IllegalArgumentException("image class must be 0..2, got " + index);
        };
    }

    public static void write(BufferedImage image, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!javax.imageio.ImageIO.write(image, "png", png.toFile())) {
                throw new IOException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
