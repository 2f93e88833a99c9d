package com.oneshotct.worker.report;

import com.oneshotct.db.Evaluation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The checkpoints' validation scores against iterations, on a linear 0..1 axis (few points, every one drawn), with
 * the checkpoint the run chose marked by a dashed line.
 */
public final class ValidationChart {
    private static final Map<String, ToDoubleFunction<Evaluation>> METRICS = new LinkedHashMap<>();

    static {
        METRICS.put("weighted F1", e -> e.scores().weightedF1());
        METRICS.put("accuracy", e -> e.scores().accuracy());
        METRICS.put("paper AP50", e -> e.scores().ap50());
        METRICS.put("paper mAP", e -> e.scores().map());
    }

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40)};

    private ValidationChart() {}

    /**
     * @param validations the run's validation evaluations
     * @param chosenIteration the iteration of the checkpoint the run chose, or -1
     * @param xMax the run's last iteration (the loss chart's axis), at least the last scored one
     */
    public static BufferedImage render(List<Evaluation> validations, int chosenIteration, int xMax, int width,
            int height) {
        List<Evaluation> pts = validations.stream().sorted(Comparator.comparingInt(Evaluation::checkpointIteration))
                .toList();
        double xs = Math.max(1, Math.max(xMax, pts.isEmpty() ? 1 : pts.get(pts.size() - 1).checkpointIteration()));
        ChartCanvas canvas = new ChartCanvas("validation scores by checkpoint", width, height);
        Graphics2D g = canvas.g;
        try {
            int left = canvas.left;
            int right = canvas.right;
            int top = canvas.top;
            int bottom = canvas.bottom;
            for (int i = 0; i <= 4; i++) {
                int y = bottom - (bottom - top) * i / 4;
                g.setColor(new Color(225, 225, 225));
                g.drawLine(left + 1, y, right - 1, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.2f", i / 4.0), 20, y + 4);
                int x = left + (right - left) * i / 4;
                g.drawString(String.format(Locale.ROOT, "%d", Math.round(xs * i / 4)), x - 10, bottom + 15);
            }
            g.drawString("iteration", (left + right) / 2 - 20, bottom + 32);
            if (chosenIteration >= 0) {
                int x = x(chosenIteration, xs, left, right);
                g.setColor(Color.GRAY);
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f},
                        0f));
                g.drawLine(x, top + 1, x, bottom - 1);
                g.drawString("chosen: " + chosenIteration, Math.min(x + 4, right - 70), top + 14);
            }
            int k = 0;
            for (Map.Entry<String, ToDoubleFunction<Evaluation>> m : METRICS.entrySet()) {
                Color c = PALETTE[k % PALETTE.length];
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                int px = -1;
                int py = -1;
                for (Evaluation e : pts) {
                    int x = x(e.checkpointIteration(), xs, left, right);
                    double v = m.getValue().applyAsDouble(e);
                    int y = bottom - (int) Math.round((bottom - top) * Math.max(0, Math.min(1, v)));
                    g.fillOval(x - 3, y - 3, 6, 6);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
                canvas.legend(k++, m.getKey());
            }
        } finally {
            g.dispose();
        }
        return canvas.image;
    }

    private static int x(double iteration, double xMax, int left, int right) {
        return left + (int) Math.round((right - left) * iteration / xMax);
    }
}
