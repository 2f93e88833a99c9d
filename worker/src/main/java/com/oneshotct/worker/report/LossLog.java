package com.oneshotct.worker.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The loss curve of a local training run as CSV ({@code iteration,<loss>,<loss>...}, one line per iteration),
 * appended as training goes so that a crash loses nothing; on resume the lines after the checkpoint's iteration are
 * dropped, because those iterations will be trained again.
 */
public final class LossLog {
    private final Path file;
    private List<String> columns;

    public LossLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Starts a fresh log (resume at 0) or keeps the lines up to {@code iteration}. */
    public void resumeAt(int iteration) {
        try {
            if (iteration == 0 || !Files.exists(file)) {
                Files.deleteIfExists(file);
                columns = null;
                return;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> kept = new ArrayList<>();
            if (!lines.isEmpty()) {
                kept.add(lines.get(0));
                columns = List.of(lines.get(0).split(",")).subList(1, lines.get(0).split(",").length);
            }
            for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
                if (Integer.parseInt(l.substring(0, l.indexOf(','))) <= iteration) {
                    kept.add(l);
                }
            }
            Files.write(file, kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the loss log " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("loss log " + file + " is malformed: " + e.getMessage(), e);
        }
    }

    public void append(int iteration, Map<String, Float> losses) {
        StringBuilder sb = new StringBuilder();
        if (columns == null) {
            columns = List.copyOf(losses.keySet());
            sb.append("iteration,").append(String.join(",", columns)).append('\n');
        }
        sb.append(iteration);
        for (String c : columns) {
            Float v = losses.get(c);
            sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
        }
        sb.append('\n');
        try {
            Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the loss log " + file, e);
        }
    }

    /** The log's series by column, points (iteration, value). */
    public Map<String, List<double[]>> read() {
        Map<String, List<double[]>> out = LossChart.series();
        try {
            if (!Files.exists(file)) {
                return out;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return out;
            }
            String[] head = lines.get(0).split(",");
            for (int c = 1; c < head.length; c++) {
                out.put(head[c], new ArrayList<>());
            }
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split(",", -1);
                double it = Double.parseDouble(f[0]);
                for (int c = 1; c < head.length && c < f.length; c++) {
                    if (!f[c].isEmpty()) {
                        out.get(head[c]).add(new double[] {it, Double.parseDouble(f[c])});
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the loss log " + file, e);
        }
    }
}
