package com.oneshotct.worker.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser: headless Chromium (Debian's {@code chromium} package) loads a hand-made report
 * from disk, runs its script and dumps the DOM; every image must have loaded. Skipped when no {@code chromium} is
 * on PATH. A screenshot goes to {@code target/report-browser/} for a person to look at.
 */
class ReportBrowserTest {
    private static final long TIMEOUT_S = 60;
    private static final Pattern LOADED = Pattern.compile(
            "<body[^>]*\\sdata-images=\"(\\d+)\"[^>]*\\sdata-images-loaded=\"(\\d+)\"");
    private static Path chromium;

    @BeforeAll
    static void findChromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(p)) {
                chromium = p;
                return;
            }
        }
    }

    @Test
    void everyImageLoadsAndTheTablesAreThere(@TempDir Path profile) throws Exception {
        assumeTrue(chromium != null, "no chromium on PATH (apt-get install -y chromium): browser check skipped");
        Path out = Path.of("target", "report-browser").toAbsolutePath();
        ReportWriter.Written w = ReportWriter.write(HandMadeReport.full(2), out.resolve("report"));
        String dom = run(profile, out, "--dump-dom", w.index());
        int[] loaded = loaded(dom);
        assertEquals(w.images().size(), loaded[0], "images on the page");
        assertEquals(loaded[0], loaded[1], "images that loaded");
        for (String id : List.of("run", "attempts", "evaluations", "confusion", "ap", "notes")) {
            assertTrue(dom.contains("id=\"" + id + "\""), "the DOM has #" + id);
        }
        // the script of the run's name stayed text: the browser saw escaped markup, not an element
        assertTrue(dom.contains("wf-&lt;script&gt;alert(1)&lt;/script&gt;"));

        Path shot = out.resolve("screenshot.png");
        Files.deleteIfExists(shot);
        run(profile, out, "--screenshot=" + shot, w.index());
        assertNotNull(ImageIO.read(shot.toFile()), "the screenshot decodes");
    }

    @Test
    void aMissingImageIsCaught(@TempDir Path dir, @TempDir Path profile) throws Exception {
        assumeTrue(chromium != null, "no chromium on PATH (apt-get install -y chromium): browser check skipped");
        ReportWriter.Written w = ReportWriter.write(HandMadeReport.full(1), dir.resolve("report"));
        Files.delete(w.images().get(w.images().size() - 1));
        int[] loaded = loaded(run(profile, dir, "--dump-dom", w.index()));
        assertEquals(w.images().size(), loaded[0]);
        assertEquals(w.images().size() - 1, loaded[1], "the deleted PNG must not count as loaded");
    }

    /** {images on the page, images that loaded}, as the page's script counted them. */
    private static int[] loaded(String dom) {
        Matcher m = LOADED.matcher(dom);
        assertTrue(m.find(), "the page's script ran and marked the body: " + dom.substring(0,
                Math.min(400, dom.length())));
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** Runs Chromium on the page with {@code action}; returns its standard output. Killed after 60 s. */
    private static String run(Path profile, Path work, String action, Path page)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path stdout = Files.createTempFile(work, "chromium-", ".out");
        Path stderr = Files.createTempFile(work, "chromium-", ".err");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--window-size=1200,2400",
                "--user-data-dir=" + profile.toAbsolutePath(), action, page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within " + TIMEOUT_S + " s: " + cmd);
            }
            assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(stderr, StandardCharsets.UTF_8));
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
