package com.oneshotct.db;

/**
 * The result of offering a checkpoint as its run's latest: {@code moved} when the pointer now names
 * {@code offered}; {@code latest} is what the pointer names afterwards (a newer checkpoint when the offer lost,
 * e.g. one from a zombie attempt that finished late).
 */
public record LatestMove(Checkpoint offered, boolean moved, Checkpoint latest) {
}
