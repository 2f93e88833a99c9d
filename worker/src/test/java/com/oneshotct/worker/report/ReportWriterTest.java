package com.oneshotct.worker.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.db.EvaluationScores;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    private static final Pattern SRC = Pattern.compile("<img src=\"([^\"]*)\"");

    @Test
    void thePageShowsExactlyThePngFilesWrittenAndEachDecodes(@TempDir Path dir) throws IOException {
        ReportWriter.Written w = ReportWriter.write(HandMadeReport.full(3), dir);
        String html = Files.readString(w.index());
        List<String> src = matches(SRC, html);
        // loss, confusion, sensitivity, AP per IoU and three slices
        assertEquals(7, src.size(), src.toString());
        Set<String> written = w.images().stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(written, new TreeSet<>(src));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(written, files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png"))
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        for (Path p : w.images()) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertNotNull(img, p + " must decode");
            assertTrue(img.getWidth() > 100 && img.getHeight() > 100, p + " is " + img.getWidth() + "x"
                    + img.getHeight());
        }
        // each slice: two 64 px panels enlarged to 384 px, 8 px apart
        BufferedImage slice = ImageIO.read(dir.resolve("slice-01.png").toFile());
        assertEquals(384 + SliceOverlay.GAP + 384, slice.getWidth());
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external resource");
        assertFalse(html.contains("<link"), "no stylesheet link");
    }

    @Test
    void everyTextIsEscaped(@TempDir Path dir) throws IOException {
        String html = Files.readString(ReportWriter.write(HandMadeReport.full(1), dir).index());
        assertEquals(1, count(html, "<script"), "only the page's own script");
        assertTrue(html.contains("<h1>Run wf-&lt;script&gt;alert(1)&lt;/script&gt;</h1>"), html);
        assertTrue(html.contains("<title>OneShot CT run wf-&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
        assertTrue(html.contains("reset &lt;b&gt;by&lt;/b&gt; peer &amp; gone"));
        assertTrue(html.contains("synthetic&lt;64&gt;"));
        assertTrue(html.contains("slice&lt;0&gt;: predicted COVID-19 (probability 0.700)"));
        assertTrue(html.contains("a note with &lt;markup&gt; &amp; more"));
        assertFalse(html.contains("<b>"));
        assertFalse(html.contains("<markup>"));
    }

    @Test
    void tablesHoldTheInputsNumbers(@TempDir Path dir) throws IOException {
        ReportInputs in = HandMadeReport.full(0);
        String html = Files.readString(ReportWriter.write(in, dir).index());
        EvaluationScores s = in.focus().scores();
        assertEquals(ReportPage.number(s.accuracy()), metric(html, "accuracy"));
        assertEquals("0.6053", metric(html, "accuracy")); // 23 / 38 = 0.60526...
        assertEquals("0.5455", metric(html, "sensitivity_cp")); // 6 / 11
        assertEquals("0.7273", metric(html, "precision_covid")); // 8 / 11
        assertEquals(ReportPage.number(s.ap75()), metric(html, "ap75"));
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                assertEquals(String.valueOf(HandMadeReport.MATRIX[t][p]), cell(html, "data-true=\"" + t
                        + "\" data-predicted=\"" + p + "\""));
            }
        }
        assertEquals("0.7500", cell(html, "data-iou=\"0.50\""));
        assertEquals("0.5000", cell(html, "data-iou=\"0.75\""));
        assertEquals("0.0000", cell(html, "data-iou=\"0.95\""));
        assertTrue(html.contains("id=\"agreement\">This evaluation reproduces"), "same scores, same row");
        assertTrue(html.contains("<tr><th>AP detections</th><td>128 det. &gt; 0.75</td></tr>"), "the row's protocol");
        assertTrue(html.contains("evaluated again by this report (at most 128 detections per image, score &gt;"
                + " 0.75)"), "the re-evaluation's protocol");
        assertTrue(html.contains("<td>iteration 6 (attempt 1), sha256 abababababab..., runs/x/attempt-1/iter-6.ckpt"
                + "</td>"));
        assertTrue(html.contains("<tr><th>image size</th><td>64 px</td></tr>"));
    }

    @Test
    void aRunWithoutResultsGetsAPageThatSaysWhy(@TempDir Path dir) throws IOException {
        ReportWriter.Written w = ReportWriter.write(HandMadeReport.bare(), dir);
        String html = Files.readString(w.index());
        assertEquals(List.of(), w.images());
        assertEquals(List.of(), matches(SRC, html));
        assertTrue(html.contains("The registry holds no evaluation of this run."));
        assertTrue(html.contains("<li>The run has no checkpoint.</li>"));
        assertTrue(html.contains("<tr><th>checkpoint used</th><td>none</td></tr>"));
    }

    private static String metric(String html, String key) {
        return cell(html, "data-metric=\"" + key + "\" data-split=\"test\" data-iteration=\"6\"");
    }

    /** The text of the one cell whose attributes start with {@code attributes}. */
    static String cell(String html, String attributes) {
        List<String> found = matches(Pattern.compile("<td class=\"n\" " + Pattern.quote(attributes)
                + "[^>]*>([^<]*)</td>"), html);
        assertEquals(1, found.size(), attributes + ": " + found);
        return found.get(0);
    }

    static List<String> matches(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
