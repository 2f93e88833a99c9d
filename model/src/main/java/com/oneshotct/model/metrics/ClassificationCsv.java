package com.oneshotct.model.metrics;

import com.oneshotct.model.data.DataException;
import com.oneshotct.model.data.ImageClass;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads classification results: one line {@code image,true,pred} per slice, class ids 0 (Normal), 1 (CP),
 * 2 (COVID). An optional first line {@code image,true,pred} is a header; blank lines are skipped. The image name is
 * everything before the last two commas, so it may itself contain commas; it must not be empty.
 */
public final class ClassificationCsv {
    /** One classified slice. */
    public record Row(String image, int truth, int predicted) {}

    private static final String HEADER = "image,true,pred";

    private ClassificationCsv() {}

    /** The rows of {@code file}, in file order; a {@link DataException} names the file and line of any bad line. */
    public static List<Row> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new DataException(file, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e, e);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || (i == 0 && line.replace(" ", "").equalsIgnoreCase(HEADER))) {
                continue;
            }
            rows.add(parse(file, i + 1, line));
        }
        if (rows.isEmpty()) {
            throw new DataException(file, "no rows: expected lines image,true,pred");
        }
        return rows;
    }

    /** The confusion matrix of the rows of {@code file}. */
    public static ConfusionMatrix confusion(Path file) {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        for (Row r : read(file)) {
            cm.add(r.truth(), r.predicted());
        }
        return cm;
    }

    private static Row parse(Path file, int lineNo, String line) {
        int last = line.lastIndexOf(',');
        int middle = last < 0 ? -1 : line.lastIndexOf(',', last - 1);
        if (middle < 0) {
            throw new DataException(file, "line " + lineNo + ": expected image,true,pred, got '" + line + "'");
        }
        String image = line.substring(0, middle).strip();
        if (image.isEmpty()) {
            throw new DataException(file, "line " + lineNo + ": empty image name in '" + line + "'");
        }
        int truth = classId(file, lineNo, "true", line.substring(middle + 1, last));
        int pred = classId(file, lineNo, "pred", line.substring(last + 1));
        return new Row(image, truth, pred);
    }

    private static int classId(Path file, int lineNo, String column, String text) {
        String t = text.strip();
        int c;
        try {
            c = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new DataException(file, "line " + lineNo + ": " + column + " class '" + t
                    + "' is not a class id 0 (Normal), 1 (CP) or 2 (COVID)");
        }
        try {
            return ImageClass.of(c).index;
        } catch (IllegalArgumentException e) {
            throw new DataException(file, "line " + lineNo + ": " + column + " class: " + e.getMessage());
        }
    }
}
