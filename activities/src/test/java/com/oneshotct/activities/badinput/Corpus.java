package com.oneshotct.activities.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bad-input corpus under {@code src/test/resources/bad-input}: its README's case table, the files of each case,
 * and a snapshot of a folder tree to prove that a refusal wrote nothing.
 */
final class Corpus {
    static final String BASE = "base";
    static final String DATASETS = "datasets";
    static final String INPUTS = "inputs";
    static final String REQUESTS = "requests";
    static final List<String> LAYERS = List.of("fetch", "pipeline-input", "train-request", "ids", "checkpoint");
    static final List<String> OUTCOMES = List.of("BadData", "BadConfig", "NotFound", "ForeignCheckpoint", "accepted");
    private static final Pattern FRAGMENT = Pattern.compile("`([^`]+)`");

    /**
     * One row of the table.
     *
     * @param name the case, also its folder or file name under the layer's folder
     * @param layer who owns the check (see the README)
     * @param wrong what is wrong, as a person would say it
     * @param expected the failure type ({@code ErrorTypes}), or {@code accepted}
     * @param fragments what the message must contain; for an accepted dataset, the file and its pixels
     */
    record Case(String name, String layer, String wrong, String expected, List<String> fragments) {
        boolean accepted() {
            return expected.equals("accepted");
        }

        @Override
        public String toString() {
            return name + " (" + wrong + ")";
        }
    }

    private Corpus() {}

    static Path root() {
        URL readme = Corpus.class.getResource("/bad-input/README.md");
        if (readme == null) {
            throw new IllegalStateException("bad-input/README.md is not on the test class path");
        }
        try {
            return Path.of(readme.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row of the README's "Cases" table, in table order; a malformed row fails at once. */
    static List<Case> cases() {
        List<String> lines = read(root().resolve("README.md"));
        int start = lines.indexOf("## Cases");
        assertTrue(start >= 0, "README.md has no '## Cases' section");
        List<Case> out = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("| ") || line.startsWith("| case ") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
            assertEquals(5, cells.length, "a case row has 5 cells: " + line);
            List<String> fragments = new ArrayList<>();
            Matcher m = FRAGMENT.matcher(cells[4]);
            while (m.find()) {
                fragments.add(m.group(1));
            }
            Case c = new Case(cells[0].strip(), cells[1].strip(), cells[2].strip(), cells[3].strip(), fragments);
            assertTrue(LAYERS.contains(c.layer()), "unknown layer in " + line);
            assertTrue(OUTCOMES.contains(c.expected()), "unknown outcome in " + line);
            assertTrue(!fragments.isEmpty(), "no message fragment in " + line);
            assertTrue(out.stream().noneMatch(o -> o.name().equals(c.name())), "case listed twice: " + c.name());
            out.add(c);
        }
        return out;
    }

    static List<Case> layer(String layer) {
        return cases().stream().filter(c -> c.layer().equals(layer)).toList();
    }

    /** The files of {@code base/} with those of the case folder laid over them, by path in the dataset. */
    static Map<String, byte[]> compose(String name) {
        Map<String, byte[]> files = files(root().resolve(BASE));
        files.putAll(files(root().resolve(DATASETS).resolve(name)));
        return files;
    }

    /** Whether the case uploads its own manifest instead of pushing. */
    static boolean ownManifest(String name) {
        return Files.isRegularFile(root().resolve(DATASETS).resolve(name).resolve(Manifest.FILE_NAME));
    }

    /** Regular files under {@code dir} by '/'-separated relative path, with their bytes. */
    static Map<String, byte[]> files(Path dir) {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(relative(dir, p), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every path under {@code dir}: "dir" for a folder, the SHA-256 of a file's bytes for a file. */
    static Map<String, String> tree(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(p -> !p.equals(dir)).toList()) {
                out.put(relative(dir, p), Files.isDirectory(p) ? "dir" : Manifest.sha256(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String relative(Path dir, Path p) {
        return dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
