package com.oneshotct.worker.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * What the line charts start from: a white antialiased image, the plot's box (room for the y labels on the left and
 * the legend on the right) and the title above it. The caller draws, then disposes {@link #g}.
 */
final class ChartCanvas {
    final BufferedImage image;
    final Graphics2D g;
    final int left;
    final int right;
    final int top;
    final int bottom;

    ChartCanvas(String title, int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        left = 60;
        right = width - 150;
        top = 30;
        bottom = height - 40;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, right - left, bottom - top);
    }

    /** Legend entry {@code k} (from 0) right of the box: a swatch in the current colour, then {@code name}. */
    void legend(int k, String name) {
        g.fillRect(right + 10, top + 5 + 16 * k, 12, 4);
        g.setColor(Color.BLACK);
        g.drawString(name, right + 26, top + 10 + 16 * k);
    }
}
