package com.oneshotct.devstack.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.worker.runtime.WorkerRuntime;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Orchestration overhead: K small pipelines, one after another, on the embedded stack with a worker in this
 * process. Per run, the wall time a client sees (start to result) against the time spent inside the stages (the
 * registry's stage attempts, start to end, every attempt); what is left is orchestration: workflow tasks, activity
 * dispatch, the bookkeeping activities between stages (run status), the registration itself.
 */
public final class PipelineBench {
    public static final String DATASET = "bench-pipeline";

    /** What to run. */
    public record Options(int runs, int iterations, int imageSize) {
        public Options {
            if (runs < 1 || iterations < 1) {
                throw new IllegalArgumentException("bench pipeline: --runs and --iterations must be >= 1");
            }
            if (imageSize < 64 || imageSize % 32 != 0) {
                throw new IllegalArgumentException("bench pipeline: --size must be a multiple of 32, at least 64");
            }
        }
    }

    /**
     * One run's figures, in seconds.
     *
     * @param stages time inside each stage, every attempt of it summed, by the registry's stage name
     */
    public record RunFigures(String workflowId, String status, double wallS, double inStagesS, double overheadS,
            double overheadFraction, Map<String, Double> stages) {}

    public record Result(Options options, List<RunFigures> runs, double meanOverheadS, double meanOverheadFraction,
            Map<String, Double> meanStages) {}

    private PipelineBench() {}

    public static Result run(Options o, Consumer<String> progress) throws Exception {
        // 2 segmentation and 3 classification images to train on, 1 + 3 to evaluate: the stages stay short, so
        // the overhead is measured against little work (the worst case for the fraction)
        SyntheticCt.Options data = SyntheticCt.Options.defaults().withSeed(7).withSize(o.imageSize())
                .withCounts(2, 1, 3, 3);
        List<RunFigures> runs = new ArrayList<>();
        try (BenchStack s = BenchStack.start(data, DATASET, progress);
                WorkerRuntime worker = WorkerRuntime.start(s.env(), new WorkerRuntime.Options("oneshot-cpu",
                        "oneshot-gpu", true, true, s.dir().resolve("work"), Device.cpu(), "bench-worker"))) {
            TemporalConfig temporal = TemporalConfig.fromEnvironment(s.env());
            WorkflowServiceStubs stubs = Clients.stubs(temporal);
            try {
                WorkflowClient client = Clients.client(stubs, temporal);
                for (int i = 1; i <= o.runs(); i++) {
                    String id = "bench-pipeline-" + i;
                    ObjectNode input = new ObjectMapper().createObjectNode().put("dataset", DATASET)
                            .put("imageSize", o.imageSize()).put("iterations", o.iterations())
                            .put("checkpointInterval", o.iterations());
                    WorkflowStub stub = client.newUntypedWorkflowStub(TrainingPipeline.WORKFLOW_TYPE,
                            WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(id)
                                    .setWorkflowRunTimeout(Duration.ofHours(1)).build());
                    long t0 = System.nanoTime();
                    stub.start(input);
                    PipelineResult r = stub.getResult(1, TimeUnit.HOURS, PipelineResult.class);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    RunFigures f = figures(id, r.status(), wall, s.db().registry().attempts().attempts(id));
                    progress.accept(String.format(Locale.ROOT, "run %d/%d %s: %.1f s, %.1f s in stages, overhead"
                            + " %.1f%%", i, o.runs(), r.status(), wall, f.inStagesS(), 100 * f.overheadFraction()));
                    runs.add(f);
                }
            } finally {
                stubs.shutdownNow();
            }
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        for (Stage st : Stage.values()) {
            mean.put(st.sql(), runs.stream().mapToDouble(r -> r.stages().get(st.sql())).average().orElse(0));
        }
        return new Result(o, runs, runs.stream().mapToDouble(RunFigures::overheadS).average().orElse(0),
                runs.stream().mapToDouble(RunFigures::overheadFraction).average().orElse(0), mean);
    }

    /** A run's stage times from its attempts; an attempt still open (a crash) counts until now. */
    static RunFigures figures(String id, String status, double wallS, List<StageAttempt> attempts) {
        Map<String, Double> stages = new LinkedHashMap<>();
        for (Stage st : Stage.values()) {
            stages.put(st.sql(), 0.0);
        }
        java.time.Instant now = java.time.Instant.now();
        for (StageAttempt a : attempts) {
            java.time.Instant end = a.endedAt() != null ? a.endedAt() : now;
            stages.merge(a.stage().sql(), Duration.between(a.startedAt(), end).toNanos() / 1e9, Double::sum);
        }
        double in = stages.values().stream().mapToDouble(Double::doubleValue).sum();
        double overhead = wallS - in;
        return new RunFigures(id, status, wallS, in, overhead, overhead / wallS,
                java.util.Collections.unmodifiableMap(stages));
    }
}
