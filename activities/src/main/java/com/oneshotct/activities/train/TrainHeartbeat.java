package com.oneshotct.activities.train;

import java.util.Map;

/**
 * What the training activity heartbeats: the iteration reached, the newest checkpoint recorded (its key was
 * uploaded and written to the registry before it appears here), and the last losses.
 */
public record TrainHeartbeat(int iteration, String checkpointKey, Map<String, Double> losses) {}
