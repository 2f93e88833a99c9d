package com.oneshotct.worker.runtime;

import ai.djl.Device;
import com.oneshotct.activities.evaluate.EvaluationActivitiesImpl;
import com.oneshotct.activities.fetch.DatasetActivitiesImpl;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.registry.AttemptLog;
import com.oneshotct.activities.registry.RegistryActivitiesImpl;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.train.RunFiles;
import com.oneshotct.activities.train.TrainingActivitiesImpl;
import com.oneshotct.db.Registry;
import com.oneshotct.workflows.pipeline.TrainingPipelineImpl;
import com.oneshotct.workflows.sweep.TrainingSweepImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import java.nio.file.Path;

/**
 * The pipeline's implementations wired to their services, and registered on a CPU worker (the workflow, registry,
 * fetch and evaluation) and a GPU worker (training). One process may serve both queues.
 */
public record Activities(RegistryActivitiesImpl registry, DatasetActivitiesImpl dataset,
        TrainingActivitiesImpl training, EvaluationActivitiesImpl evaluation) {

    public static Activities of(Registry registry, ObjectStore store, DatasetCache cache, Path work, Device device,
            String identity, WorkflowClient client) {
        AttemptLog log = new AttemptLog(registry.attempts(), identity);
        RunFiles files = new RunFiles(store, cache, work);
        return new Activities(new RegistryActivitiesImpl(registry, log, RegistryActivitiesImpl.codeVersion()),
                new DatasetActivitiesImpl(store, cache, registry, log),
                new TrainingActivitiesImpl(files, registry, log, device, client),
                new EvaluationActivitiesImpl(files, registry, log, device));
    }

    /** The workflows (the pipeline and the sweep that starts pipelines) and every CPU-queue activity. */
    public void registerCpu(Worker cpu) {
        cpu.registerWorkflowImplementationTypes(TrainingPipelineImpl.class, TrainingSweepImpl.class);
        cpu.registerActivitiesImplementations(registry, dataset, evaluation);
    }

    /** Training, on its own queue. */
    public void registerGpu(Worker gpu) {
        gpu.registerActivitiesImplementations(training);
    }
}
