package com.oneshotct.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SQL only with bound parameters: every piece of SQL text the registry code hands to JDBC (directly, or through
 * {@link Jdbc}'s helpers, or built in a StringBuilder) is made of string literals and constants. A variable part is
 * an offender unless {@link #ALLOWED} names it with the reason it is safe (identifiers, which no bind parameter
 * can carry).
 */
class BoundParametersTest {
    private static final Path MAIN = Path.of("src", "main", "java");

    /** JDBC methods whose first argument is SQL text. */
    private static final Pattern JDBC = Pattern.compile(
            "\\b(prepareStatement|prepareCall|executeQuery|executeUpdate|executeLargeUpdate|execute|addBatch)\\s*\\(");
    /** {@link Jdbc}'s helpers, whose second argument is SQL text. */
    private static final Pattern HELPER = Pattern.compile("(?<![\\w.])(?:Jdbc\\.)?(prepare|update|list|first)\\s*\\(");
    private static final Pattern CONSTANT = Pattern.compile("(?:[A-Z][A-Za-z0-9]*\\.)*[A-Z][A-Z0-9_]*");
    private static final Pattern VARIABLE = Pattern.compile("[a-z][A-Za-z0-9]*");
    private static final Pattern BUILDER_PARAMETER = Pattern.compile("\\bStringBuilder\\s+([a-z][A-Za-z0-9]*)\\s*[,)]");

    /** The variable parts allowed in SQL text, as "file: expression", each with why it is safe. */
    static final Map<String, String> ALLOWED = Map.of(
            "AuditQueries.java: metric.sql()",
            "an evaluations column spelled by the Metric enum (SqlName.sql()), never text from a caller",
            "RunFilter.java: t",
            "a table alias, a string literal at each caller (\"s\", \"r\")",
            "Jdbc.java: sql",
            "the helpers hand their sql parameter on to JDBC; each call of a helper is checked where it is made");

    @Test
    void registrySqlIsLiteralsAndConstantsWithValuesBound() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        Scan scan = scan(sources);
        Set<String> offenders = new TreeSet<>(scan.variableParts());
        offenders.removeAll(ALLOWED.keySet());
        assertTrue(offenders.isEmpty(), "SQL text built from variable parts (bind them with ?, or add to ALLOWED"
                + " with the reason they are safe):\n" + String.join("\n", offenders));
        Set<String> stale = new TreeSet<>(ALLOWED.keySet());
        stale.removeAll(scan.variableParts());
        assertTrue(stale.isEmpty(), "ALLOWED names parts the code no longer has: " + stale);
        // the scan saw the repositories' SQL: a scanner that matched nothing would pass anything
        assertTrue(scan.sqlArguments() >= 40, "only " + scan.sqlArguments() + " SQL arguments found");
    }

    @Test
    void concatenatedValuesAreFoundDirectlyAndThroughBuilders() {
        String bad = """
                class Bad {
                    static final String COLS = "id, name";
                    void a(Connection c, String id) throws Exception {
                        c.prepareStatement("SELECT " + COLS + " FROM runs WHERE id = '" + id + "'"); // literal ok
                        Jdbc.first(c, "SELECT 1 FROM runs WHERE workflow_id = " + id.trim(), rs -> 1);
                        update(c, "UPDATE runs SET error = ? WHERE workflow_id = ?", "e", id);
                        StringBuilder q = new StringBuilder("SELECT * FROM runs WHERE true");
                        q.append(" AND status = ?").append(" AND name = '").append(nameOf(id)).append("'");
                        list(c, q.toString(), rs -> 1);
                        /* c.execute("DROP TABLE " + id); is a comment */
                    }
                    void b(StringBuilder sql, String alias) {
                        sql.append(" AND ").append(alias).append(".x = ?");
                    }
                    void c(Connection c, StringBuilder sql) throws Exception {
                        c.createStatement().executeQuery(sql.toString());
                    }
                }
                """;
        Scan scan = scan(Map.of("Bad.java", bad));
        assertEquals(Set.of("Bad.java: id", "Bad.java: id.trim()", "Bad.java: nameOf(id)", "Bad.java: alias"),
                scan.variableParts());
        assertEquals(5, scan.sqlArguments());
    }

    /** What a scan found: the number of SQL arguments seen and their variable parts as "file: expression". */
    record Scan(int sqlArguments, Set<String> variableParts) {
    }

    static Scan scan(Map<String, String> rawSources) {
        Map<String, String> sources = new LinkedHashMap<>();
        rawSources.forEach((f, s) -> sources.put(f, JavaText.withoutComments(s)));
        Set<String> found = new TreeSet<>();
        int seen = 0;
        for (var e : sources.entrySet()) {
            String file = e.getKey();
            String src = e.getValue();
            for (String sql : sqlArguments(src)) {
                seen++;
                check(file, src, sql, sources, found, new TreeSet<>());
            }
        }
        return new Scan(seen, found);
    }

    private static List<String> sqlArguments(String src) {
        List<String> out = new ArrayList<>();
        int[] end = new int[1];
        Matcher m = JDBC.matcher(src);
        while (m.find()) {
            List<String> args = JavaText.arguments(src, m.end() - 1, end);
            if (!args.isEmpty() && !declares(args.get(0))) {
                out.add(args.get(0));
            }
        }
        m = HELPER.matcher(src);
        while (m.find()) {
            List<String> args = JavaText.arguments(src, m.end() - 1, end);
            // list and first take (connection, sql, row mapper, values...); a two-argument list(c, id) is another
            // method. A declaration's "arguments" are typed parameters.
            int min = m.group(1).equals("list") || m.group(1).equals("first") ? 3 : 2;
            if (args.size() >= min && !declares(args.get(0))) {
                out.add(args.get(1));
            }
        }
        return out;
    }

    private static boolean declares(String firstArgument) {
        return firstArgument.matches("(?:final\\s+)?[A-Z][\\w.<>\\[\\]]*\\s+\\w+");
    }

    /**
     * Adds to {@code found} each operand of {@code expr} that is neither a literal nor a constant; a variable is
     * followed to its initializer and to what is appended to it (in any file, for a StringBuilder parameter).
     */
    private static void check(String file, String src, String expr, Map<String, String> sources, Set<String> found,
            Set<String> followed) {
        for (String op : JavaText.operands(expr)) {
            if (op.startsWith("\"") || CONSTANT.matcher(op).matches()) {
                continue;
            }
            if (op.startsWith("(") && op.endsWith(")")) {
                check(file, src, op.substring(1, op.length() - 1), sources, found, followed);
                continue;
            }
            String name = op.endsWith(".toString()") ? op.substring(0, op.length() - ".toString()".length()) : op;
            if (!VARIABLE.matcher(name).matches() || !followed.add(file + ":" + name)) {
                if (!VARIABLE.matcher(name).matches()) {
                    found.add(file + ": " + op);
                }
                continue;
            }
            List<Origin> origins = new ArrayList<>(origins(file, src, name));
            if (Pattern.compile("\\bStringBuilder\\s+" + name + "\\b").matcher(src).find()) {
                // a builder may be handed to a method elsewhere that appends to it under the same name
                sources.forEach((f, s) -> {
                    Matcher p = BUILDER_PARAMETER.matcher(s);
                    while (p.find()) {
                        if (p.group(1).equals(name) && !f.equals(file)) {
                            origins.addAll(appends(f, s, name));
                            break;
                        }
                    }
                });
            }
            if (origins.isEmpty()) {
                found.add(file + ": " + op); // a parameter or field: text from elsewhere
            }
            for (Origin o : origins) {
                check(o.file(), sources.get(o.file()), o.expr(), sources, found, followed);
            }
        }
    }

    /** An expression that contributes to a variable's text, and the file it is in. */
    private record Origin(String file, String expr) {
    }

    /** The initializer of local {@code name} in {@code src} and what is appended to it there. */
    private static List<Origin> origins(String file, String src, String name) {
        List<Origin> out = new ArrayList<>();
        Matcher d = Pattern.compile("\\b(?:String|StringBuilder|var)\\s+" + name + "\\s*=\\s*").matcher(src);
        int[] end = new int[1];
        while (d.find()) {
            String init = src.substring(d.end(), JavaText.statementEnd(src, d.end()) - 1).trim();
            Matcher nb = Pattern.compile("^new\\s+StringBuilder\\s*\\(").matcher(init);
            if (nb.find()) {
                JavaText.arguments(init, nb.end() - 1, end).forEach(a -> out.add(new Origin(file, a)));
            } else {
                out.add(new Origin(file, init));
            }
        }
        out.addAll(appends(file, src, name));
        return out;
    }

    /** The argument of every {@code .append(...)} in each statement of {@code src} that starts {@code name.append(}. */
    private static List<Origin> appends(String file, String src, String name) {
        List<Origin> out = new ArrayList<>();
        Matcher a = Pattern.compile("(?<![\\w.])" + name + "\\s*\\.\\s*append\\s*\\(").matcher(src);
        int[] end = new int[1];
        while (a.find()) {
            String stmt = src.substring(a.start(), JavaText.statementEnd(src, a.start()));
            Matcher call = Pattern.compile("\\.\\s*append\\s*\\(").matcher(stmt);
            int from = 0;
            while (call.find(from)) {
                List<String> args = JavaText.arguments(stmt, call.end() - 1, end);
                args.stream().findFirst().ifPresent(x -> out.add(new Origin(file, x)));
                from = end[0];
            }
        }
        return out;
    }
}
