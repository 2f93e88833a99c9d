package com.oneshotct.worker.cli;

import com.oneshotct.db.SweepChildSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The registry's {@code sweep_summary} rows of one sweep as a table: one line per point, best rank first. */
final class SweepSummaryFormat {

    private SweepSummaryFormat() {
    }

    /** Ranked points first (best first), then the unranked by point number. */
    static List<SweepChildSummary> byRank(List<SweepChildSummary> rows) {
        List<SweepChildSummary> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(SweepChildSummary::rank, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingInt(SweepChildSummary::k));
        return sorted;
    }

    static String table(String sweepId, List<SweepChildSummary> rows) {
        if (rows.isEmpty()) {
            return "registry: sweep " + sweepId + " has no points" + System.lineSeparator();
        }
        SweepChildSummary first = rows.get(0);
        String metric = first.metric();
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("RANK", "K", "RUN", "STATUS", "VAL " + metric, first.split() + " " + metric, "ACCURACY",
                "WEIGHTED_F1", "AP50", "MAP", "ITER", "POINT"));
        for (SweepChildSummary r : byRank(rows)) {
            t.add(List.of(r.rank() == null ? "-" : r.rank().toString(), Integer.toString(r.k()), r.workflowId(),
                    r.status(), RunsFormat.num(r.bestVal()), RunsFormat.num(r.splitValue()),
                    RunsFormat.num(r.accuracy()), RunsFormat.num(r.weightedF1()), RunsFormat.num(r.ap50()),
                    RunsFormat.num(r.map()), r.evalIteration() == null ? "-" : r.evalIteration().toString(),
                    r.pointJson()));
        }
        return "registry: sweep " + sweepId + " " + first.sweepStatus().sql() + ", ranked by " + metric
                + " (validation first, then " + first.split() + ")" + System.lineSeparator() + RunsFormat.table(t);
    }
}
