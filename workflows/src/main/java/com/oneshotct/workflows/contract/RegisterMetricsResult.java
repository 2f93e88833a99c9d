package com.oneshotct.workflows.contract;

/** The model version the run's checkpoint became. */
public record RegisterMetricsResult(String modelName, int version) {}
