package com.oneshotct.db;

import java.time.Instant;

/**
 * Version {@code version} of model {@code name}: a checkpoint of some run.
 *
 * @param alias the aliases that name this version, sorted and comma-separated ({@code best,latest}), or null
 */
public record ModelVersion(String name, int version, long checkpointId, String workflowId, int iteration,
                           String objectKey, String alias, Instant createdAt) {
    public boolean hasAlias(String a) {
        return alias != null && java.util.Arrays.asList(alias.split(",")).contains(a);
    }
}
