package com.oneshotct.db;

import java.util.Map;
import java.util.Objects;

/**
 * A dataset as the fetch stage sees it: {@code id} is the SHA-256 (lower-case hex) of its manifest, so the same
 * content always has the same id. {@code splitSizes}: images per split, e.g. {@code {"train": 120, "test": 40}}.
 */
public record NewDataset(String id, String name, String objectPrefix, int fileCount, long totalBytes,
                         Map<String, Integer> splitSizes) {

    public NewDataset {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(objectPrefix, "objectPrefix");
        splitSizes = Map.copyOf(splitSizes);
    }
}
