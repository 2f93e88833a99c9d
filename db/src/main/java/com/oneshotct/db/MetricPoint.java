package com.oneshotct.db;

import java.util.Objects;

/** One point of a training curve: the value of one named loss at one iteration. */
public record MetricPoint(int iteration, int epoch, String lossName, double value) {

    public MetricPoint {
        Objects.requireNonNull(lossName, "lossName");
    }
}
