package com.oneshotct.worker.report;

import com.oneshotct.db.ClassRates;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.MetricPoint;
import com.oneshotct.model.infer.Overlay;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Draws a report's figures as PNG files into a folder and writes the page that shows them, {@code index.html}. */
public final class ReportWriter {
    public static final String INDEX = "index.html";
    static final List<String> CLASSES = List.of(Overlay.className(0), Overlay.className(1), Overlay.className(2));

    /** What was written: the page, every PNG it shows, and the inputs they were drawn from. */
    public record Written(Path index, List<Path> images, ReportInputs inputs) {
        public Written {
            images = List.copyOf(images);
        }
    }

    private ReportWriter() {}

    public static Written write(ReportInputs in, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the report folder " + dir + ": " + e.getMessage(), e);
        }
        List<Path> images = new ArrayList<>();
        String loss = null;
        if (!in.curve().isEmpty()) {
            loss = png(dir, "loss.png", LossChart.render("training losses", series(in.curve()), 900, 420), images);
        }
        String validation = null;
        List<Evaluation> validations = in.evaluations().stream().filter(Evaluation::validation).toList();
        if (!validations.isEmpty()) {
            int lastIteration = in.curve().stream().mapToInt(p -> p.iteration()).max().orElse(0);
            int chosen = in.focus() == null || in.focus().validation() ? -1 : in.focus().checkpointIteration();
            validation = png(dir, "validation.png", ValidationChart.render(validations, chosen, lastIteration, 900,
                    360), images);
        }
        String confusion = null;
        String sensitivity = null;
        Evaluation focus = in.focus();
        if (focus != null) {
            String what = "split " + focus.scores().split() + ", iteration " + focus.checkpointIteration();
            confusion = png(dir, "confusion.png", Heatmap.render("confusion matrix (" + what + ")", CLASSES,
                    focus.scores().confusionMatrix().toArray()), images);
            ClassRates s = focus.scores().sensitivity();
            sensitivity = png(dir, "sensitivity.png", BarChart.render("per-class sensitivity (" + what + ")",
                    "true class", CLASSES, java.util.Arrays.asList(s.normal(), s.cp(), s.covid()), 1.0, 560, 320),
                    images);
        }
        String ap = null;
        Reevaluation r = in.reevaluation();
        if (r != null && !r.apAtThresholds().isEmpty()) {
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < r.apAtThresholds().size(); i++) {
                labels.add(String.format(Locale.ROOT, "%.2f", Reevaluation.threshold(i)));
            }
            ap = png(dir, "ap-iou.png", BarChart.render("paper AP per IoU threshold (split " + r.split()
                    + ", iteration " + r.checkpointIteration() + ")", "IoU threshold", labels, r.apAtThresholds(),
                    1.0, 760, 340), images);
        }
        List<String> overlays = new ArrayList<>();
        for (int i = 0; i < in.overlays().size(); i++) {
            overlays.add(png(dir, String.format(Locale.ROOT, "slice-%02d.png", i + 1), in.overlays().get(i).image(),
                    images));
        }
        String html = ReportPage.html(in, new ReportPage.Figures(loss, validation, confusion, sensitivity, ap,
                overlays));
        Path index = dir.resolve(INDEX);
        try {
            Files.writeString(index, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + index + ": " + e.getMessage(), e);
        }
        return new Written(index, images, in);
    }

    /** The curve as one series per loss name (names sorted), points (iteration, value). */
    static Map<String, List<double[]>> series(List<MetricPoint> curve) {
        Map<String, List<double[]>> sorted = new TreeMap<>();
        for (MetricPoint p : curve) {
            sorted.computeIfAbsent(p.lossName(), k -> new ArrayList<>()).add(new double[] {p.iteration(), p.value()});
        }
        Map<String, List<double[]>> out = LossChart.series();
        out.putAll(sorted);
        return out;
    }

    private static String png(Path dir, String name, BufferedImage image, List<Path> written) {
        Path file = dir.resolve(name);
        Overlay.write(image, file);
        written.add(file);
        return name;
    }
}
