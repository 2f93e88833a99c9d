package com.oneshotct.worker.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Vertical bars on a linear axis from 0 to a fixed maximum, each labelled with its value; a missing value (null:
 * undefined, e.g. a sensitivity without positives) gets no bar and the text "n/a", so that it is not read as 0.
 */
public final class BarChart {
    static final Color BAR = new Color(31, 119, 180);
    static final int LEFT = 55;
    static final int RIGHT_MARGIN = 20;
    static final int TOP = 36;
    static final int BOTTOM_MARGIN = 48;

    private BarChart() {}

    /**
     * @param labels one per bar, under it
     * @param values one per bar, in [0, max]; null for undefined
     * @param max the top of the axis
     */
    public static BufferedImage render(String title, String axis, List<String> labels, List<Double> values,
                                       double max, int width, int height) {
        if (labels.size() != values.size() || labels.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs one label per value and at least one bar, got "
                    + labels.size() + " labels and " + values.size() + " values");
        }
        if (!(max > 0)) {
            throw new IllegalArgumentException("the axis maximum must be positive, got " + max);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int bottom = height - BOTTOM_MARGIN;
            int right = width - RIGHT_MARGIN;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, LEFT, 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i <= 4; i++) {
                double v = max * i / 4;
                int y = yPix(v, max, height);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT + 1, y, right, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.2f", v), 8, y + 4);
            }
            g.drawLine(LEFT, TOP, LEFT, bottom);
            g.drawLine(LEFT, bottom, right, bottom);
            FontMetrics fm = g.getFontMetrics();
            int n = values.size();
            int slot = (right - LEFT) / n;
            int barWidth = Math.max(2, slot * 3 / 5);
            for (int i = 0; i < n; i++) {
                int cx = centreX(i, n, width);
                Double v = values.get(i);
                String text;
                int textY;
                if (v == null || !Double.isFinite(v)) {
                    text = "n/a";
                    textY = bottom - 4;
                } else {
                    double clipped = Math.max(0, Math.min(max, v));
                    int top = yPix(clipped, max, height);
                    g.setColor(BAR);
                    g.fillRect(cx - barWidth / 2, top, barWidth, bottom - top);
                    text = String.format(Locale.ROOT, "%.3f", v);
                    textY = top - 4;
                }
                g.setColor(Color.BLACK);
                g.drawString(text, cx - fm.stringWidth(text) / 2, Math.max(TOP - 2, textY));
                String label = labels.get(i);
                g.drawString(label, cx - fm.stringWidth(label) / 2, bottom + 15);
            }
            g.drawString(axis, (LEFT + right) / 2 - fm.stringWidth(axis) / 2, bottom + 34);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The x pixel at the middle of bar {@code i} of {@code n}. */
    static int centreX(int i, int n, int width) {
        int slot = (width - RIGHT_MARGIN - LEFT) / n;
        return LEFT + slot * i + slot / 2;
    }

    /** The y pixel of value {@code v} on an axis from 0 (at the bottom) to {@code max}. */
    static int yPix(double v, double max, int height) {
        int bottom = height - BOTTOM_MARGIN;
        return bottom - (int) Math.round((bottom - TOP) * v / max);
    }
}
