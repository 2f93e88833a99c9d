package com.oneshotct.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The model's packages ({@code data}, {@code ops}, {@code nn}, ...) import each other without a cycle, read from
 * the main sources' import lines: each package can be understood from those below it.
 */
class PackageCycleTest {
    private static final Path ROOT = Path.of("src/main/java/com/oneshotct/model");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?com\\.oneshotct\\.model\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    @Test
    void packagesFormNoCycle() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = ROOT.relativize(f).getName(0).toString();
                Matcher m = IMPORT.matcher(Files.readString(f));
                Set<String> out = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(uses.keySet().containsAll(List.of("data", "ops", "nn", "train", "infer", "metrics")), uses.toString());
        List<String> order = new ArrayList<>();
        Set<String> left = new TreeSet<>(uses.keySet());
        while (!left.isEmpty()) {
            String next = left.stream().filter(p -> order.containsAll(uses.get(p))).findFirst().orElse(null);
            if (next == null) {
                Map<String, Set<String>> cycle = new TreeMap<>();
                left.forEach(p -> cycle.put(p, uses.get(p)));
                assertEquals(Map.of(), cycle, "packages in a cycle, with what they import");
            }
            order.add(next);
            left.remove(next);
        }
    }
}
