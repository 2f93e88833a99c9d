package com.oneshotct.db;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static com.oneshotct.db.Fixtures.CM;
import static com.oneshotct.db.Fixtures.checkpoint;
import static com.oneshotct.db.Fixtures.scores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweeps and their points: idempotent registration, the ending, the history rules and the sweep_summary view. */
abstract class SweepRepositoryContract extends DbContract {

    private static NewSweep sweep(String id, String metric, int points) {
        List<NewSweep.Point> ps = new ArrayList<>();
        for (int k = 1; k <= points; k++) {
            ps.add(new NewSweep.Point(k, String.format("%s-%03d", id, k), "{\"lr\": " + k + "e-4, \"seed\": 1}"));
        }
        return new NewSweep(id, "temporal-" + id, "{\"grid\": {\"lr\": [1]}, \"maxConcurrent\": 2}", metric, "test", 2,
                ps);
    }

    /** A child's run with a test evaluation of weighted F1 {@code test} at iteration 20 and val ones at 10, 20. */
    private void child(String id, RunStatus status, Double test, double... val) {
        registry.runs().register(Fixtures.run(id, "resnet18", "synthetic"));
        registry.runs().updateStatus(id, status, status == RunStatus.FAILED ? "boom" : null);
        for (int i = 0; i < val.length; i++) {
            Checkpoint k = registry.training().recordCheckpoint(checkpoint(id, 10 * (i + 1), 1));
            registry.evaluations().record(k.id(), scores("val", CM, val[i], 0.5, 0.3, 0.2, 0.25, 0.1));
        }
        if (test != null) {
            Checkpoint k = registry.training().recordCheckpoint(checkpoint(id, 30, 1));
            registry.evaluations().record(k.id(), scores("test", CM, test, 0.5, 0.4, 0.3, 0.35, 0.2));
        }
    }

    @Test
    void registeringAgainIsHarmlessAndAContradictionIsRefused() {
        Sweep first = registry.sweeps().register(sweep("sw-idem", null, 3));
        assertEquals(3, first.points());
        assertEquals(SweepStatus.RUNNING, first.status());
        assertNull(first.metric());
        // a retried activity: same rows back, nothing added (key order and spacing of the JSON do not matter)
        NewSweep same = sweep("sw-idem", null, 3);
        NewSweep respaced = new NewSweep(same.workflowId(), same.temporalRunId(),
                "{\"maxConcurrent\":2,\"grid\":{\"lr\":[1]}}", null, "test", 2, same.points());
        assertEquals(first, registry.sweeps().register(respaced));

        ConflictException input = assertThrows(ConflictException.class, () -> registry.sweeps().register(
                new NewSweep("sw-idem", "t", "{\"grid\": {\"lr\": [2]}}", null, "test", 2, same.points())));
        assertTrue(input.getMessage().contains("sweep 'sw-idem' is already registered with a different input"),
                input.getMessage());
        List<NewSweep.Point> other = new ArrayList<>(same.points());
        other.set(1, new NewSweep.Point(2, "sw-idem-002", "{\"lr\": 9}"));
        ConflictException point = assertThrows(ConflictException.class, () -> registry.sweeps().register(
                new NewSweep("sw-idem", "t", same.inputJson(), null, "test", 2, other)));
        assertTrue(point.getMessage().contains("already has a different point 2"), point.getMessage());
        assertThrows(ConflictException.class, () -> registry.sweeps().register(sweep("sw-idem", null, 2)));

        // another sweep may not claim a child id this one holds
        NewSweep thief = new NewSweep("sw-thief", null, "{}", null, "test", 1,
                List.of(new NewSweep.Point(1, "sw-idem-001", "{}")));
        ConstraintViolationException taken = assertThrows(ConstraintViolationException.class,
                () -> registry.sweeps().register(thief));
        assertEquals("sweep_children_workflow_id_key", taken.constraint());
        assertThrows(NotFoundException.class, () -> registry.sweeps().get("sw-thief"), "nothing of it was kept");
    }

    @Test
    void theSummaryRanksByBestValidationThenTheSplitAndNamesPendingAndSkippedPoints() {
        registry.sweeps().register(sweep("sw-rank", null, 5));
        List<SweepChildSummary> before = registry.sweeps().summary("sw-rank");
        assertEquals(List.of("pending", "pending", "pending", "pending", "pending"),
                before.stream().map(SweepChildSummary::status).toList());
        assertTrue(before.stream().allMatch(r -> r.rank() == null && r.bestVal() == null));
        assertEquals("{\"lr\": 0.0002, \"seed\": 1}", before.get(1).pointJson());

        child("sw-rank-001", RunStatus.SUCCEEDED, 0.6, 0.5, 0.7);
        child("sw-rank-002", RunStatus.SUCCEEDED, 0.8);
        child("sw-rank-003", RunStatus.SUCCEEDED, 0.1, 0.9);
        child("sw-rank-004", RunStatus.FAILED, null);
        registry.sweeps().end("sw-rank", SweepStatus.STOPPED);

        List<SweepChildSummary> rows = registry.sweeps().summary("sw-rank");
        assertEquals(List.of("succeeded", "succeeded", "succeeded", "failed", "skipped"),
                rows.stream().map(SweepChildSummary::status).toList());
        assertEquals(Arrays.asList(2, 3, 1, null, null), rows.stream().map(SweepChildSummary::rank).toList(),
                "validation first (0.9, 0.7), then the test split (0.8); no metric, no rank");
        SweepChildSummary one = rows.get(0);
        assertEquals("weighted_f1", one.metric());
        assertEquals(0.7, one.bestVal(), "the best over both validation evaluations");
        assertEquals(0.6, one.splitValue());
        assertEquals(0.6, one.weightedF1());
        assertEquals(0.8, one.accuracy());
        assertEquals(30, one.evalIteration());
        assertEquals(SweepStatus.STOPPED, one.sweepStatus());
        assertNull(rows.get(1).bestVal());
        assertEquals("boom", rows.get(3).error());
    }

    @Test
    void aNamedMetricRanksAndTheNewestSplitEvaluationCounts() {
        registry.sweeps().register(sweep("sw-ap", "ap50", 2));
        child("sw-ap-001", RunStatus.SUCCEEDED, 0.9);
        child("sw-ap-002", RunStatus.RUNNING, 0.1);
        // a later checkpoint of child 2, evaluated on the test split, replaces its earlier test figures
        Checkpoint later = registry.training().recordCheckpoint(checkpoint("sw-ap-002", 40, 1));
        registry.evaluations().record(later.id(), scores("test", CM, 0.1, 0.5, 0.8, 0.3, 0.35, 0.2));

        List<SweepChildSummary> rows = registry.sweeps().summary("sw-ap");
        assertEquals("ap50", rows.get(0).metric());
        assertEquals(0.4, rows.get(0).splitValue());
        assertEquals(0.8, rows.get(1).splitValue());
        assertEquals(40, rows.get(1).evalIteration());
        assertEquals(List.of(2, 1), rows.stream().map(SweepChildSummary::rank).toList());
        assertEquals("running", rows.get(1).status());
    }

    /** evaluation_metric knows every metric the registry ranks by, each picking its own column. */
    @Test
    void everyMetricNamesItsOwnColumn() throws SQLException {
        child("wf-metric", RunStatus.SUCCEEDED, 0.61);
        for (Metric m : Metric.values()) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT evaluation_metric(e, '" + m.sql() + "') IS NOT DISTINCT FROM e."
                         + m.sql() + ", evaluation_metric(e, 'image_count') FROM evaluations e JOIN runs r"
                         + " ON r.id = e.run_id WHERE r.workflow_id = 'wf-metric'")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), m.sql());
                rs.getDouble(2);
                assertTrue(rs.wasNull(), "a column that is no metric gives NULL");
            }
        }
    }

    @Test
    void anEndedSweepStaysEndedAndItsHistoryCannotChange() throws SQLException {
        registry.sweeps().register(sweep("sw-end", null, 1));
        Sweep ended = registry.sweeps().end("sw-end", SweepStatus.COMPLETED);
        assertEquals(SweepStatus.COMPLETED, ended.status());
        assertTrue(ended.endedAt() != null);
        assertEquals(ended, registry.sweeps().end("sw-end", SweepStatus.COMPLETED), "a retried write");
        RegistryException again = assertThrows(ConstraintViolationException.class,
                () -> registry.sweeps().end("sw-end", SweepStatus.ABORTED));
        assertTrue(again.getMessage().contains("sweep sw-end already ended as completed"), again.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.sweeps().end("sw-end", SweepStatus.RUNNING));
        assertThrows(NotFoundException.class, () -> registry.sweeps().end("sw-nope", SweepStatus.COMPLETED));
        assertThrows(NotFoundException.class, () -> registry.sweeps().summary("sw-nope"));

        SQLException edit = assertThrows(SQLException.class,
                () -> sql("UPDATE sweeps SET input = '{}' WHERE workflow_id = 'sw-end'"));
        assertTrue(edit.getMessage().contains("input, metric, split, concurrency and creation time cannot change"),
                edit.getMessage());
        SQLException delete = assertThrows(SQLException.class, () -> sql("DELETE FROM sweep_children"));
        assertTrue(delete.getMessage().contains("sweep_children is append-only"), delete.getMessage());
        assertThrows(SQLException.class, () -> sql("DELETE FROM sweeps WHERE workflow_id = 'sw-end'"));
    }
}
