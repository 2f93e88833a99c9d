package com.oneshotct.workflows.sweep;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One leaderboard row: higher is better, ties keep point order.
 *
 * @param rank from 1
 * @param workflowId the child
 * @param values the varied fields and their values
 * @param value the child's value of the leaderboard's metric
 */
public record Ranked(int rank, String workflowId, JsonNode values, double value) {}
