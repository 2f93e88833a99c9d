package com.oneshotct.db;

/** The run whose evaluation scored highest on {@code metric}, with that evaluation. */
public record BestRun(Metric metric, double value, RunSummary run, Evaluation evaluation) {
}
