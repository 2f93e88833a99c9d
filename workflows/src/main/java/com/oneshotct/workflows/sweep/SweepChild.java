package com.oneshotct.workflows.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One point of a sweep and its child run.
 *
 * @param k the point's number, from 1
 * @param workflowId the child's workflow id, {@code <sweepId>-<k>}
 * @param values the varied fields and their values
 * @param status {@code pending} (not started yet), {@code running}, {@code succeeded} or {@code aborted} (the
 *     child's own result), {@code failed} (the child workflow failed), {@code skipped} (never started: the sweep
 *     was stopped or aborted first)
 * @param metrics the child's evaluation metrics on the sweep's split (empty until it succeeded)
 * @param message why it was aborted, failed or skipped, or the child's note; else null
 */
public record SweepChild(int k, String workflowId, JsonNode values, String status, Map<String, Double> metrics,
        String message) {}
