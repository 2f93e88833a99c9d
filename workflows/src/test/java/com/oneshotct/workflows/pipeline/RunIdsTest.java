package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"run-1", "covid.resnet18_2026-11-27", "a..b", "ünïcode run", "x"})
    void ordinaryIdsPass(String id) {
        assertNull(RunIds.problem(id));
    }

    @Test
    void eachProblemIsNamed() {
        assertEquals("is empty", RunIds.problem(""));
        assertEquals("is empty", RunIds.problem(null));
        assertEquals("must not be '.' or '..'", RunIds.problem(".."));
        assertEquals("must not be '.' or '..'", RunIds.problem("."));
        assertEquals("must not contain '/'", RunIds.problem("runs/other"));
        assertEquals("must not contain '\\'", RunIds.problem("a\\b"));
        assertEquals("must not contain control characters (found U+000A)", RunIds.problem("a\nb"));
        assertEquals("must not contain control characters (found U+0085)", RunIds.problem("a\u0085b"));
        assertEquals("is longer than 200 characters (201)", RunIds.problem("r".repeat(201)));
        assertNull(RunIds.problem("r".repeat(200)));
    }

    @Test
    void printableShowsControlCharactersAndCutsLongIds() {
        assertEquals("a\\u0007b", RunIds.printable("a\u0007b"));
        assertEquals("r".repeat(200) + "...", RunIds.printable("r".repeat(250)));
    }
}
