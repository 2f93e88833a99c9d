package com.oneshotct.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The environment table of {@code docs/operations.md} (the first table after {@code ## Configuration}, a variable's
 * name in backticks in its {@code variable} column) lists exactly the variables the code reads: each one has a row,
 * and each row is one of them.
 *
 * <p>"The code reads V", collected from the sources, not listed here, when
 * <ul>
 *   <li>V is named like a variable of this project or of the libraries it configures ({@code ONESHOT_*},
 *       {@code TEMPORAL_*}, {@code ONEDNN_*}) and appears as a Java string literal in the main sources of a module
 *       (the same rule {@link DeployFilesTest} applies to the deployment files), or is expanded ({@code $V},
 *       {@code ${V...}}) by the launcher {@code oneshot}; or</li>
 *   <li>V is the literal argument of a {@code System.getenv("V")} call in the main sources, whatever its name
 *       ({@code CI}).</li>
 * </ul>
 * Surefire runs in the module folder, so the repository is {@code ..}.
 */
class OperationsDocTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String NAME = "(?:ONESHOT|TEMPORAL|ONEDNN|MALLOC)_[A-Z0-9_]+";
    private static final Pattern LITERAL = Pattern.compile("\"(" + NAME + ")\"");
    private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\"([A-Za-z_][A-Za-z0-9_]*)\"\\)");
    private static final Pattern EXPANSION = Pattern.compile("\\$\\{?(" + NAME + ")");

    @Test
    void theEnvironmentTableListsExactlyWhatTheCodeReads() throws IOException {
        Set<String> read = variablesTheCodeReads();
        assertTrue(read.containsAll(Set.of("ONESHOT_DB_URL", "TEMPORAL_ADDRESS", "ONESHOT_JAVA_OPTS", "CI")),
                "the collection finds the Java, launcher and getenv variables: " + read);
        Set<String> documented = documented();
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(read);
        assertEquals(Set.of(), missing, "variables the code reads without a row in docs/operations.md");
        assertEquals(Set.of(), extra, "rows of docs/operations.md's environment table that no code reads");
    }

    /** The first column of the table after {@code ## Configuration}, backticks removed. */
    private static Set<String> documented() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("docs/operations.md"));
        int i = lines.indexOf("## Configuration");
        assertTrue(i >= 0, "docs/operations.md has its '## Configuration' section");
        while (i < lines.size() && !lines.get(i).startsWith("|")) {
            i++;
        }
        assertTrue(i < lines.size() && lines.get(i).startsWith("| variable |"), "the table's first column is variable");
        Set<String> out = new TreeSet<>();
        for (int r = i + 2; r < lines.size() && lines.get(r).startsWith("|"); r++) {
            String cell = lines.get(r).split("\\|")[1].trim();
            assertTrue(cell.matches("`[A-Za-z_][A-Za-z0-9_]*`"), "a variable's name in backticks: " + cell);
            assertTrue(out.add(cell.substring(1, cell.length() - 1)), "two rows for " + cell);
        }
        assertFalse(out.isEmpty(), "the environment table has rows");
        return out;
    }

    static Set<String> variablesTheCodeReads() throws IOException {
        Set<String> out = new TreeSet<>();
        // every module's: docs/operations.md covers ./oneshot, which runs the dev jar
        for (String module : List.of("model", "embedded", "db", "workflows", "activities", "worker", "devstack")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(f);
                    collect(LITERAL.matcher(source), out);
                    collect(GETENV.matcher(source), out);
                }
            }
        }
        collect(EXPANSION.matcher(Files.readString(ROOT.resolve("oneshot"))), out);
        return out;
    }

    private static void collect(Matcher m, Set<String> out) {
        while (m.find()) {
            out.add(m.group(1));
        }
    }
}
