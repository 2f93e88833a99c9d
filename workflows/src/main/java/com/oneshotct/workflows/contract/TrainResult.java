package com.oneshotct.workflows.contract;

/**
 * What a finished (or stopped) training attempt leaves.
 *
 * @param iteration iterations done in the whole run
 * @param checkpointKey object key of the final checkpoint
 * @param checkpointId registry id of the final checkpoint
 * @param resumedFrom iteration this attempt started from (0: from scratch)
 * @param stopped true when a stop request ended training before {@code iterations}
 */
public record TrainResult(int iteration, String checkpointKey, long checkpointId, int resumedFrom,
        boolean stopped) {}
