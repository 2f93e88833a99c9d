package com.oneshotct.workflows.contract;

/** A recorded checkpoint: registry id, object key, the run iteration it holds. */
public record CheckpointRef(long id, String objectKey, int iteration) {}
