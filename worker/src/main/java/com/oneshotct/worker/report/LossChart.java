package com.oneshotct.worker.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loss curves as a PNG-ready image: one line per named series over iterations, each smoothed by a centred moving
 * average (batch-1 losses are noisy) with the raw points faint behind it, on a log y axis.
 */
public final class LossChart {
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194)};

    private LossChart() {}

    /** @param series name -> (iteration, value) points in iteration order */
    public static BufferedImage render(String title, Map<String, List<double[]>> series, int width, int height) {
        ChartCanvas canvas = new ChartCanvas(title, width, height);
        Graphics2D g = canvas.g;
        try {
            int left = canvas.left;
            int right = canvas.right;
            int top = canvas.top;
            int bottom = canvas.bottom;
            double xMax = 1;
            double yMin = Double.POSITIVE_INFINITY;
            double yMax = Double.NEGATIVE_INFINITY;
            for (List<double[]> pts : series.values()) {
                for (double[] p : pts) {
                    xMax = Math.max(xMax, p[0]);
                    if (p[1] > 0 && Double.isFinite(p[1])) {
                        yMin = Math.min(yMin, p[1]);
                        yMax = Math.max(yMax, p[1]);
                    }
                }
            }
            if (!(yMin < yMax)) {
                yMin = yMin == Double.POSITIVE_INFINITY ? 0.1 : yMin / 2;
                yMax = yMax == Double.NEGATIVE_INFINITY ? 1 : yMax * 2;
            }
            double lo = Math.floor(Math.log10(yMin));
            double hi = Math.ceil(Math.log10(yMax));
            for (double d = lo; d <= hi; d++) {
                int y = yPix(Math.pow(10, d), lo, hi, top, bottom);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(left + 1, y, right - 1, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "1e%d", (int) d), 5, y + 4);
            }
            for (int i = 0; i <= 4; i++) {
                int x = left + (right - left) * i / 4;
                g.drawString(String.format(Locale.ROOT, "%d", Math.round(xMax * i / 4)), x - 10, bottom + 15);
            }
            g.drawString("iteration", (left + right) / 2 - 20, bottom + 32);
            int k = 0;
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                Color c = PALETTE[k % PALETTE.length];
                List<double[]> pts = e.getValue();
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 50));
                for (double[] p : pts) {
                    if (p[1] > 0 && Double.isFinite(p[1])) {
                        g.fillRect(xPix(p[0], xMax, left, right), yPix(p[1], lo, hi, top, bottom), 2, 2);
                    }
                }
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                List<double[]> smooth = smooth(pts, Math.max(1, pts.size() / 25));
                for (int i = 1; i < smooth.size(); i++) {
                    double[] a = smooth.get(i - 1);
                    double[] b = smooth.get(i);
                    if (a[1] > 0 && b[1] > 0) {
                        g.drawLine(xPix(a[0], xMax, left, right), yPix(a[1], lo, hi, top, bottom),
                                xPix(b[0], xMax, left, right), yPix(b[1], lo, hi, top, bottom));
                    }
                }
                canvas.legend(k++, e.getKey());
            }
        } finally {
            g.dispose();
        }
        return canvas.image;
    }

    /** Centred moving average of the finite positive values, window 2h+1. */
    static List<double[]> smooth(List<double[]> pts, int h) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < pts.size(); i++) {
            double s = 0;
            int n = 0;
            for (int j = Math.max(0, i - h); j <= Math.min(pts.size() - 1, i + h); j++) {
                double v = pts.get(j)[1];
                if (v > 0 && Double.isFinite(v)) {
                    s += v;
                    n++;
                }
            }
            out.add(new double[] {pts.get(i)[0], n == 0 ? Double.NaN : s / n});
        }
        return out;
    }

    private static int xPix(double x, double xMax, int left, int right) {
        return left + (int) Math.round((right - left) * x / xMax);
    }

    private static int yPix(double y, double lo, double hi, int top, int bottom) {
        double f = (Math.log10(y) - lo) / (hi - lo);
        return bottom - (int) Math.round((bottom - top) * f);
    }

    /** An empty series map in insertion order, for callers building one. */
    public static Map<String, List<double[]>> series() {
        return new LinkedHashMap<>();
    }
}
