package com.oneshotct.worker.report;

import com.oneshotct.model.data.Box;
import com.oneshotct.model.data.InstanceMask;
import com.oneshotct.model.data.MaskLabel;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.infer.Lesion;
import com.oneshotct.model.infer.Overlay;
import com.oneshotct.model.infer.Prediction;
import com.oneshotct.model.metrics.BinaryMask;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One test slice as the report shows it: the prediction (left) beside the ground truth (right) in one picture, and
 * a caption with the predicted class, its probability and the detections.
 *
 * @param name the slice's file name without extension
 * @param image both panels side by side
 * @param caption plain text (the page escapes it)
 */
public record SliceOverlay(String name, BufferedImage image, String caption) {
    static final int GAP = 8;

    public static SliceOverlay of(SegmentationSample sample, Prediction p) {
        BufferedImage predicted = Overlay.render(sample.image(), p);
        int w = sample.image().width();
        int h = sample.image().height();
        List<Overlay.Layer> truth = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (InstanceMask m : sample.instances()) {
            MaskLabel label = MaskLabel.of(m.instance().label());
            Box b = m.instance().box();
            String text = label.name().toLowerCase(Locale.ROOT);
            truth.add(new Overlay.Layer(label, BinaryMask.of(h, w, (y, x) -> m.contains(x, y)),
                    new float[] {b.x1(), b.y1(), b.x2(), b.y2()}, text));
            counts.merge(text, 1, Integer::sum);
        }
        String truthText = counts.isEmpty() ? "no instances" : counts.entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
        BufferedImage actual = Overlay.render(sample.image(), truth, "ground truth: " + truthText);
        int cls = p.predicted().index;
        String detections = p.lesions().isEmpty() ? "none above the score threshold" : p.lesions().stream()
                .map(SliceOverlay::lesion).collect(Collectors.joining(", "));
        String caption = String.format(Locale.ROOT, "%s: predicted %s (probability %.3f); detections: %s;"
                + " ground truth: %s", sample.item().name(), Overlay.className(cls), p.probabilities()[cls],
                detections, truthText);
        return new SliceOverlay(sample.item().name(), beside(predicted, actual), caption);
    }

    /** {@code left} and {@code right} in one image, top-aligned, a white gap between them. */
    static BufferedImage beside(BufferedImage left, BufferedImage right) {
        int w = left.getWidth() + GAP + right.getWidth();
        int h = Math.max(left.getHeight(), right.getHeight());
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.drawImage(left, 0, 0, null);
            g.drawImage(right, left.getWidth() + GAP, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String lesion(Lesion l) {
        return String.format(Locale.ROOT, "%s %.3f", l.label().name().toLowerCase(Locale.ROOT), l.score());
    }
}
