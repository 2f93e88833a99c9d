package com.oneshotct.activities.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.TrainRequest;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run that asks for a GPU is refused by a CPU worker before it touches anything (no store, registry or attempt
 * log is given here: reaching any of them would fail differently), rather than trained on the CPU for days.
 */
class DeviceRequestTest {
    @ParameterizedTest
    @ValueSource(strings = {"gpu", "gpu:1"})
    void cpuWorkerRefusesAGpuRun(String asked) {
        TrainingActivitiesImpl cpuWorker = new TrainingActivitiesImpl(null, null, null, Device.cpu(), null);
        TrainRequest r = new TrainRequest("run-gpu", TrainingBench.DATASET, null, asked, TrainingBench.train(2, 2));
        ApplicationFailure e = assertThrows(ApplicationFailure.class,
                () -> cpuWorker.train(r, 1, null, TrainingBench.QUIET));
        assertEquals(ErrorTypes.BAD_CONFIG, e.getType());
        assertTrue(e.isNonRetryable());
        assertTrue(e.getOriginalMessage().contains("asks for device '" + asked + "' but this worker trains on cpu"),
                e.getOriginalMessage());
    }
}
