package com.oneshotct.db;

import java.time.Instant;
import java.util.List;

/**
 * Which runs to list; a null field does not filter. {@code dataset} matches a dataset name or content id;
 * {@code since} is inclusive and {@code until} exclusive, both on the registration time; {@code limit} of 0 or
 * less means no limit.
 */
public record RunFilter(RunStatus status, String dataset, String backbone, Instant since, Instant until, int limit) {

    public static final RunFilter ALL = new RunFilter(null, null, null, null, null, 0);

    public RunFilter withStatus(RunStatus s) {
        return new RunFilter(s, dataset, backbone, since, until, limit);
    }

    public RunFilter withDataset(String d) {
        return new RunFilter(status, d, backbone, since, until, limit);
    }

    public RunFilter withBackbone(String b) {
        return new RunFilter(status, dataset, b, since, until, limit);
    }

    public RunFilter between(Instant from, Instant to) {
        return new RunFilter(status, dataset, backbone, from, to, limit);
    }

    public RunFilter withLimit(int n) {
        return new RunFilter(status, dataset, backbone, since, until, n);
    }

    /**
     * Appends {@code AND ...} conditions on the run columns of table alias {@code t} to {@code sql}, and their
     * values to {@code params}: the SQL text holds only fixed fragments, every value is bound.
     */
    void appendConditions(StringBuilder sql, String t, List<Object> params) {
        if (status != null) {
            sql.append(" AND ").append(t).append(".status = ?");
            params.add(status.sql());
        }
        if (dataset != null) {
            sql.append(" AND (").append(t).append(".dataset_name = ? OR ").append(t).append(".dataset_id = ?)");
            params.add(dataset);
            params.add(dataset);
        }
        if (backbone != null) {
            sql.append(" AND ").append(t).append(".backbone = ?");
            params.add(backbone);
        }
        if (since != null) {
            sql.append(" AND ").append(t).append(".created_at >= ?");
            params.add(since);
        }
        if (until != null) {
            sql.append(" AND ").append(t).append(".created_at < ?");
            params.add(until);
        }
    }
}
