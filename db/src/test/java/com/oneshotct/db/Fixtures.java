package com.oneshotct.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/** Test data: runs, real SHA-256 hashes, checkpoints, and evaluation scores consistent with their matrix. */
final class Fixtures {

    /** PostgreSQL keeps microseconds; test instants are whole seconds so they round-trip exactly. */
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private Fixtures() {
    }

    static NewRun run(String workflowId, String backbone, String dataset) {
        String request = "{\"dataset\": \"" + dataset + "\", \"backbone\": \"" + backbone
                + "\", \"solver\": {\"lr\": 0.01, \"iterations\": 100}}";
        return new NewRun(workflowId, "temporal-" + workflowId, request, sha256("config:" + request), "git-1a2b3c",
                backbone, dataset);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static NewCheckpoint checkpoint(String workflowId, int iteration, int attempt) {
        String key = "checkpoints/" + workflowId + "/attempt-" + attempt + "/iter-" + iteration + ".ckpt";
        return new NewCheckpoint(workflowId, iteration, attempt, key, sha256(key), 1_000L + iteration);
    }

    static NewDataset dataset(String name) {
        return new NewDataset(sha256("manifest:" + name), name, "datasets/" + name + "/", 60, 123_456L,
                java.util.Map.of("train", 40, "test", 20));
    }

    /** Scores on {@code split} whose matrix-derived rates follow section 9; the rest are given. */
    static EvaluationScores scores(String split, int[][] cm, double weightedF1, double macroF1, double ap50,
                                   double ap75, double map, double cocoAp) {
        ConfusionMatrix m = ConfusionMatrix.of(cm);
        int total = m.total();
        return new EvaluationScores(split, total, List.of("ggo", "consolidation"), m,
                (double) (m.get(0, 0) + m.get(1, 1) + m.get(2, 2)) / total, weightedF1, macroF1,
                new ClassRates(rate(m, 0, true), rate(m, 1, true), rate(m, 2, true)),
                new ClassRates(rate(m, 0, false), rate(m, 1, false), rate(m, 2, false)),
                ap50, ap75, map, cocoAp, Math.min(1, cocoAp + 0.2), Math.max(0, cocoAp - 0.1), 128, 0.75);
    }

    /** Sensitivity (row) or precision (column) of class {@code k}; null when that row/column is empty. */
    static Double rate(ConfusionMatrix m, int k, boolean row) {
        int den = 0;
        for (int j = 0; j < 3; j++) {
            den += row ? m.get(k, j) : m.get(j, k);
        }
        return den == 0 ? null : (double) m.get(k, k) / den;
    }

    /** A plain matrix: 20 images, 16 right. */
    static final int[][] CM = {{5, 1, 0}, {0, 4, 2}, {1, 0, 7}};

    static Instant at(long seconds) {
        return T0.plus(seconds, ChronoUnit.SECONDS);
    }
}
