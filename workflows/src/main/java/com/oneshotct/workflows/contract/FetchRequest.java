package com.oneshotct.workflows.contract;

/** Fetch the dataset {@code dataset} (object prefix {@code datasets/<dataset>/}) for run {@code workflowId}. */
public record FetchRequest(String workflowId, String dataset) {}
