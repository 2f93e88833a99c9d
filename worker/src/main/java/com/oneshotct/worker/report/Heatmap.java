package com.oneshotct.worker.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A confusion matrix as a heat map: rows are true classes, columns predictions, each cell shaded from white (0)
 * to dark blue (the largest count) and labelled with its count.
 */
public final class Heatmap {
    static final int CELL = 90;
    static final int LEFT = 120;
    static final int TOP = 64;
    private static final Color LOW = Color.WHITE;
    private static final Color HIGH = new Color(8, 48, 107);

    private Heatmap() {}

    /** @param counts a square matrix, one row and column per label, no negative count */
    public static BufferedImage render(String title, List<String> labels, int[][] counts) {
        int n = labels.size();
        if (n == 0 || counts.length != n) {
            throw new IllegalArgumentException("a heat map needs one row per label: " + n + " labels, "
                    + counts.length + " rows");
        }
        int max = 0;
        for (int[] row : counts) {
            if (row.length != n) {
                throw new IllegalArgumentException("a heat map needs one column per label: " + n + " labels, a row of "
                        + row.length);
            }
            for (int v : row) {
                if (v < 0) {
                    throw new IllegalArgumentException("a count cannot be negative, got " + v);
                }
                max = Math.max(max, v);
            }
        }
        int width = LEFT + n * CELL + 20;
        int height = TOP + n * CELL + 40;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, 10, 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            g.drawString("predicted", LEFT + n * CELL / 2 - fm.stringWidth("predicted") / 2, TOP - 26);
            g.drawString("true", 10, TOP - 8);
            for (int i = 0; i < n; i++) {
                String l = labels.get(i);
                g.drawString(l, LEFT + i * CELL + CELL / 2 - fm.stringWidth(l) / 2, TOP - 8);
                g.drawString(l, 10, TOP + i * CELL + CELL / 2 + 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            fm = g.getFontMetrics();
            for (int t = 0; t < n; t++) {
                for (int p = 0; p < n; p++) {
                    Color c = color(counts[t][p], max);
                    int x = LEFT + p * CELL;
                    int y = TOP + t * CELL;
                    g.setColor(c);
                    g.fillRect(x, y, CELL, CELL);
                    g.setColor(Color.GRAY);
                    g.drawRect(x, y, CELL, CELL);
                    // dark cells get white text so the count stays readable
                    g.setColor(luminance(c) < 128 ? Color.WHITE : Color.BLACK);
                    String s = Integer.toString(counts[t][p]);
                    g.drawString(s, x + CELL / 2 - fm.stringWidth(s) / 2, y + CELL / 2 + 6);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The shade of {@code count} on a scale whose darkest colour is {@code max}'s (all white when max is 0). */
    public static Color color(int count, int max) {
        double f = max == 0 ? 0 : (double) count / max;
        return new Color(mix(LOW.getRed(), HIGH.getRed(), f), mix(LOW.getGreen(), HIGH.getGreen(), f),
                mix(LOW.getBlue(), HIGH.getBlue(), f));
    }

    /** The top-left pixel of the cell of true class {@code row} predicted as {@code col}. */
    static int[] cellOrigin(int row, int col) {
        return new int[] {LEFT + col * CELL, TOP + row * CELL};
    }

    static double luminance(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
