package com.oneshotct.db;

/** A per-class rate (sensitivity or precision) as a fraction; null where its denominator is 0. */
public record ClassRates(Double normal, Double cp, Double covid) {
}
