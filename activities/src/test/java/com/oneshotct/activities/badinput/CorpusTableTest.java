package com.oneshotct.activities.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's table and the corpus files agree: no case without its file, no file without its case. */
class CorpusTableTest {
    @Test
    void everyFileBackedCaseHasItsFileAndEveryFileItsCase() throws IOException {
        Path root = Corpus.root();
        assertEquals(Set.of("README.md", Corpus.BASE, Corpus.DATASETS, Corpus.INPUTS, Corpus.REQUESTS),
                names(root, ""));
        assertEquals(cases("fetch"), names(root.resolve(Corpus.DATASETS), ""));
        assertEquals(cases("pipeline-input"), names(root.resolve(Corpus.INPUTS), ".json"));
        assertEquals(cases("train-request"), names(root.resolve(Corpus.REQUESTS), ".json"));
    }

    private static Set<String> cases(String layer) {
        return Corpus.layer(layer).stream().map(Corpus.Case::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .map(n -> n.endsWith(suffix) ? n.substring(0, n.length() - suffix.length()) : n + " (not " + suffix
                            + ")")
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
