package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.TrainProgress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {
    private static TrainProgress signal(int attempt, int iteration) {
        return new TrainProgress(attempt, iteration, 100, Map.of("loss", 1.0), "k" + iteration, 2.0, iteration / 40.0);
    }

    @Test
    void epochFollowsTheSignalsRateUpToTheTrainedIteration() {
        ProgressTracker t = new ProgressTracker();
        t.total(100);
        t.enter(ProgressTracker.TRAIN);
        t.passStarted();
        assertEquals(0, t.snapshot().epoch(), "no signal yet: unknown");
        t.trainingProgress(signal(1, 30));
        assertEquals(0.75, t.snapshot().epoch(), 1e-12);
        t.trainingProgress(new TrainProgress(1, 50, 100, Map.of(), null, 0, 0)); // an older worker: no epoch
        assertEquals(1.25, t.snapshot().epoch(), 1e-12, "50 iterations at the rate seen before");
        t.trained(new CheckpointRef(1, "k100", 100));
        assertEquals(2.5, t.snapshot().epoch(), 1e-12);
    }

    @Test
    void etaIsUnknownUntilASpeedIsReportedAndZeroOnceTrained() {
        ProgressTracker t = new ProgressTracker();
        t.total(100);
        t.enter(ProgressTracker.TRAIN);
        t.passStarted();
        assertEquals(-1, t.snapshot().etaSeconds());
        t.trainingProgress(signal(1, 40));
        assertEquals((100 - 40) * 2.0, t.snapshot().etaSeconds(), 1e-12);
        t.trained(new CheckpointRef(1, "k100", 100));
        assertEquals(0, t.snapshot().etaSeconds());
        assertEquals(100, t.snapshot().iteration());
    }

    @Test
    void attemptsAddUpOverPasses() {
        ProgressTracker t = new ProgressTracker();
        t.total(100);
        t.enter(ProgressTracker.TRAIN);
        t.passStarted();
        t.trainingProgress(signal(1, 10));
        t.trainingProgress(signal(3, 20));
        t.attemptsAtLeast(5); // the pass ran out of its 5 attempts: 5, not the 3 that signalled
        assertEquals(5, t.snapshot().attempts().get("train"));
        t.waiting("stage train failed");
        assertEquals("waiting", t.snapshot().status());
        t.enter(ProgressTracker.TRAIN); // retryStage
        t.passStarted();
        assertEquals(6, t.snapshot().attempts().get("train"));
        t.trainingProgress(signal(2, 30)); // a new pass numbers its attempts from 1 again: not stale
        assertEquals(7, t.snapshot().attempts().get("train"));
        assertEquals(30, t.snapshot().iteration());
        assertEquals("running", t.snapshot().status());
    }

    @Test
    void signalsOutsideTrainingAreIgnored() {
        ProgressTracker t = new ProgressTracker();
        t.enter(ProgressTracker.FETCH);
        t.passStarted();
        t.trainingProgress(signal(1, 10));
        assertEquals(0, t.snapshot().iteration());
        assertEquals(Map.of("fetch_dataset", 1), t.snapshot().attempts());
    }
}
