package com.oneshotct.workflows.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A time-skipping Temporal test server with two workers: the CPU queue (the workflow and every activity but
 * training) and the GPU queue (training only, so a train activity routed to the wrong queue finds no worker).
 * Time skips only while a client waits for a result; queries and signals leave it alone.
 */
public final class PipelineTestBed implements AutoCloseable {
    public static final String CPU = "oneshot-cpu";
    static final String GPU = "oneshot-gpu";
    static final ObjectMapper JSON = new ObjectMapper();

    public final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    public final WorkflowClient client = env.getWorkflowClient();
    public final FakeActivities fakes = new FakeActivities(client);

    PipelineTestBed() {
        this(new Class<?>[0]);
    }

    /** With more workflow types on the CPU queue beside the pipeline, e.g. the sweep. */
    public PipelineTestBed(Class<?>... moreWorkflows) {
        // heartbeats reach the server every 100 ms, so a cancellation reaches the fake training at once
        WorkerOptions options =
                WorkerOptions.newBuilder().setMaxHeartbeatThrottleInterval(Duration.ofMillis(100)).build();
        Worker cpu = env.newWorker(CPU, options);
        cpu.registerWorkflowImplementationTypes(TrainingPipelineImpl.class);
        if (moreWorkflows.length > 0) {
            cpu.registerWorkflowImplementationTypes(moreWorkflows);
        }
        cpu.registerActivitiesImplementations(fakes.registry, fakes.datasets, fakes.evaluation);
        Worker gpu = env.newWorker(GPU, options);
        gpu.registerActivitiesImplementations(fakes.training);
        env.start();
    }

    TrainingPipeline pipeline(String workflowId) {
        return client.newWorkflowStub(TrainingPipeline.class,
                WorkflowOptions.newBuilder().setTaskQueue(CPU).setWorkflowId(workflowId).build());
    }

    /** A handle on a started run, for signals, queries and its result. */
    TrainingPipeline running(String workflowId) {
        return client.newWorkflowStub(TrainingPipeline.class, workflowId);
    }

    /** Starts a run without waiting for it. */
    TrainingPipeline start(String workflowId, String json) {
        TrainingPipeline stub = pipeline(workflowId);
        WorkflowClient.start(stub::run, json(json));
        return stub;
    }

    PipelineResult result(TrainingPipeline stub) {
        return WorkflowStub.fromTyped(stub).getResult(PipelineResult.class);
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Polls in real time: the server's clock stands still meanwhile. */
    public static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        env.close();
    }
}
