package com.oneshotct.db;

import java.time.Instant;
import java.util.Map;

/** A registered dataset; {@code firstSeen} is when the registry first recorded it. */
public record Dataset(String id, String name, String objectPrefix, int fileCount, long totalBytes,
                      Map<String, Integer> splitSizes, Instant firstSeen) {

    public Dataset {
        splitSizes = Map.copyOf(splitSizes);
    }
}
