package com.oneshotct.devstack.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.store.ObjectStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The trained state inside stored checkpoints, compared byte for byte. */
final class CheckpointEntries {
    /** Key of the header's per-parameter Adam step counts in {@link #read}'s map. */
    static final String STEPS = "header/adamSteps";

    private CheckpointEntries() {
    }

    /**
     * Asserts that two stored checkpoints hold the same weights, optimiser moments and per-parameter Adam step
     * counts (a step skipped for non-finite gradients in one run only would show in the counts).
     */
    static void assertSameState(ObjectStore store, String keyA, String keyB, Path dir) throws Exception {
        Map<String, byte[]> a = read(store, keyA, dir.resolve("a.ckpt"));
        Map<String, byte[]> b = read(store, keyB, dir.resolve("b.ckpt"));
        assertEquals(b.keySet(), a.keySet());
        List<String> differ = new ArrayList<>();
        a.forEach((k, v) -> {
            if (!Arrays.equals(v, b.get(k))) {
                differ.add(k);
            }
        });
        assertTrue(differ.isEmpty(), "entries differ between " + keyA + " and " + keyB + ": " + differ);
    }

    /** Every weight and optimiser entry of a checkpoint object, by entry name, and the header's Adam step counts. */
    static Map<String, byte[]> read(ObjectStore store, String key, Path file) throws Exception {
        store.get(key, file);
        Map<String, byte[]> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (e.getName().startsWith("weights/") || e.getName().startsWith("optimizer/")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        out.put(e.getName(), in.readAllBytes());
                    }
                } else if (e.getName().equals("header.json")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        out.put(STEPS, new ObjectMapper().readTree(in).path("adamSteps").toString()
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return out;
    }
}
