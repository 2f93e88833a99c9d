package com.oneshotct.workflows.pipeline;

import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.TrainProgress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the {@code progress} query answers, kept by the workflow as the run moves on.
 *
 * <p><b>Attempts</b> count activity attempts per stage, summed over the stage's passes (a pass is one scheduling of
 * the stage's activity: the first, and one more per {@code retryStage}). A pass counts as at least 1; as the
 * policy's maximum when its failure says the retries ran out; and, for training, as the highest attempt number a
 * {@code trainingProgress} signal of that pass reported. Temporal does not tell a workflow how many attempts a
 * successful activity took, so a stage other than training that succeeded after server-side retries counts 1 for
 * that pass, and so does one that failed non-retryably on a later attempt.
 *
 * <p>The epoch comes from the training activity's signals, as epochs per iteration (the split's size does not
 * change within a run), so the iteration a finished training reports gets its epoch too; 0 until a signal that
 * carries one.
 */
final class ProgressTracker {
    static final String REGISTER = "register";
    static final String FETCH = "fetch_dataset";
    static final String TRAIN = "train";
    static final String VALIDATE = "validate";
    static final String EVALUATE = "evaluate";
    static final String REGISTER_METRICS = "register_metrics";
    static final String DONE = "done";

    private String stage = REGISTER;
    private String status = "running";
    private String waitingFor;
    private int iteration;
    private int total;
    private Map<String, Double> losses = Map.of();
    private String latestCheckpoint;
    private double secondsPerIteration = -1;
    private double epochsPerIteration;
    private boolean trained;
    private final Map<String, Integer> attempts = new LinkedHashMap<>();
    /** Attempts of the current stage's earlier passes, and of its current pass. */
    private int earlierPasses;
    private int thisPass;
    private int newestTrainAttempt;

    void total(int iterations) {
        total = iterations;
    }

    /** The run works on stage {@code name} (again, after a park). */
    void enter(String name) {
        stage = name;
        status = "running";
        waitingFor = null;
    }

    /** The current stage's activity is (re)scheduled: one more pass. */
    void passStarted() {
        earlierPasses = attempts.getOrDefault(stage, 0);
        thisPass = 1;
        newestTrainAttempt = 0;
        attempts.put(stage, earlierPasses + thisPass);
    }

    /** The current pass took at least {@code n} attempts. */
    void attemptsAtLeast(int n) {
        thisPass = Math.max(thisPass, n);
        attempts.put(stage, earlierPasses + thisPass);
    }

    /**
     * A progress signal. Ignored outside training (a late signal of a finished attempt must not move the numbers
     * back) and when an older attempt than the newest seen in this pass sends it (a zombie that has not noticed
     * its replacement).
     */
    void trainingProgress(TrainProgress p) {
        if (!TRAIN.equals(stage) || trained || p == null || p.attempt() < newestTrainAttempt) {
            return;
        }
        newestTrainAttempt = p.attempt();
        attemptsAtLeast(p.attempt());
        iteration = p.iteration();
        losses = p.losses() == null ? Map.of() : new TreeMap<>(p.losses());
        if (p.checkpointKey() != null) {
            latestCheckpoint = p.checkpointKey();
        }
        if (p.secondsPerIteration() > 0) {
            secondsPerIteration = p.secondsPerIteration();
        }
        if (p.epoch() > 0 && p.iteration() > 0) {
            epochsPerIteration = p.epoch() / p.iteration();
        }
    }

    /** Training ended with this checkpoint (null: stopped before any). */
    void trained(CheckpointRef checkpoint) {
        trained = true;
        if (checkpoint != null) {
            iteration = checkpoint.iteration();
            latestCheckpoint = checkpoint.objectKey();
        }
    }

    void waiting(String why) {
        status = "waiting";
        waitingFor = why;
    }

    void running() {
        status = "running";
        waitingFor = null;
    }

    void stopping() {
        status = "stopping";
    }

    /** The run is over; a succeeded run shows stage {@code done}, an aborted one the stage it ended in. */
    void finished(String finalStatus) {
        status = finalStatus;
        waitingFor = null;
        if ("succeeded".equals(finalStatus)) {
            stage = DONE;
        }
    }

    int iteration() {
        return iteration;
    }

    PipelineProgress snapshot() {
        double eta = trained ? 0 : secondsPerIteration < 0 ? -1 : Math.max(0, total - iteration) * secondsPerIteration;
        return new PipelineProgress(stage, status, iteration, total, iteration * epochsPerIteration,
                new TreeMap<>(losses), latestCheckpoint,
                new LinkedHashMap<>(attempts), eta, waitingFor, null);
    }
}
