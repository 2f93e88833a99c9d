package com.oneshotct.workflows.contract;

/**
 * Fetch a version of dataset {@code dataset} for run {@code workflowId}: the one the run is already linked to (a
 * retried fetch), else {@code version} (an id or a unique prefix of one), else the newest, which the run is then
 * linked to (pinned) for every later stage.
 *
 * @param version the version the input asked for; null or empty for the newest (absent in older requests)
 */
public record FetchRequest(String workflowId, String dataset, String version) {
    /** The newest version. */
    public FetchRequest(String workflowId, String dataset) {
        this(workflowId, dataset, null);
    }
}
