package com.oneshotct.activities.registry;

import static com.oneshotct.activities.Failures.badConfig;
import static com.oneshotct.activities.Failures.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.Failures;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.ModelVersion;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.NewSweep;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Run;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.SweepStatus;
import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.RegisterMetricsRequest;
import com.oneshotct.workflows.contract.RegisterMetricsResult;
import com.oneshotct.workflows.contract.RegisterRequest;
import com.oneshotct.workflows.contract.RegisterSweepRequest;
import com.oneshotct.workflows.contract.RegistryActivities;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The registry's activities over {@link Registry}. Every write is one of the registry's idempotent operations, so
 * a retried activity finds its own earlier work and returns; what no retry can fix (an unknown run, a refused or
 * contradicting row, a bad argument) fails at once as a non-retryable {@code NotFound} or {@code BadConfig}.
 */
public final class RegistryActivitiesImpl implements RegistryActivities {

    /** The alias a run's promoted checkpoint takes: the newest registered version of its model. */
    public static final String LATEST_ALIAS = "latest";
    /** The alias of the checkpoint a validating run chose. */
    public static final String BEST_ALIAS = "best";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;
    private final AttemptLog attempts;
    private final String codeVersion;

    public RegistryActivitiesImpl(Registry registry, String workerIdentity) {
        this(registry, new AttemptLog(registry.attempts(), workerIdentity), codeVersion());
    }

    public RegistryActivitiesImpl(Registry registry, AttemptLog attempts, String codeVersion) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.codeVersion = Objects.requireNonNull(codeVersion, "codeVersion");
    }

    /** The jar's {@code Implementation-Version}, or {@code dev} when running from classes. */
    public static String codeVersion() {
        Package p = RegistryActivitiesImpl.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    @Override
    public void registerRun(RegisterRequest request) {
        AttemptContext context = AttemptContext.current();
        NewRun run = newRun(request);
        Run registered = registry(() -> registry.runs().register(run));
        // An attempt row refers to its run's row, so the attempt is written once the run exists.
        attempts.run(context, Stage.REGISTER, () -> registered);
    }

    @Override
    public void setRunStatus(String workflowId, String status, String error) {
        RunStatus s = status(status);
        registry(() -> registry.runs().updateStatus(required(workflowId, "workflowId"), s, error));
        if (s.terminal()) {
            // the run is over, so no attempt of it still runs: one left open lost its worker (killed, cut off)
            registry(() -> registry.attempts().closeOpen(workflowId, null));
        }
    }

    @Override
    public CheckpointRef latestCheckpoint(String workflowId) {
        return registry(() -> registry.training().latest(required(workflowId, "workflowId")))
                .map(c -> new CheckpointRef(c.id(), c.objectKey(), c.iteration()))
                .orElse(null);
    }

    @Override
    public RegisterMetricsResult registerMetrics(RegisterMetricsRequest request) {
        if (request == null || request.checkpoint() == null) {
            throw badConfig("register metrics needs a checkpoint, got " + request);
        }
        String workflowId = required(request.workflowId(), "workflowId");
        String modelName = required(request.modelName(), "modelName");
        CheckpointRef ref = request.checkpoint();
        return attempts.runNumbered(Stage.REGISTER_METRICS, self -> {
            Checkpoint k = checkpointOf(workflowId, ref);
            Checkpoint last = request.last() == null ? null : checkpointOf(workflowId, request.last());
            Run run = registry(() -> registry.runs().get(workflowId));
            if (run.status().terminal() && run.status() != RunStatus.SUCCEEDED) {
                throw badConfig("run '" + workflowId + "' already ended as " + run.status().sql()
                        + "; its checkpoint is not promoted");
            }
            // the chosen checkpoint first, so the last one (when it differs) is the newer version
            ModelVersion v = registry(() -> registry.models().promote(modelName, k.id(),
                    last == null ? LATEST_ALIAS : BEST_ALIAS));
            if (last != null) {
                registry(() -> registry.models().promote(modelName, last.id(), LATEST_ALIAS));
            }
            registry(() -> registry.runs().updateStatus(workflowId, RunStatus.SUCCEEDED, null));
            // the run has ended: every attempt but this one that is still open lost its worker
            registry(() -> registry.attempts().closeOpen(workflowId, self));
            return new RegisterMetricsResult(v.name(), v.version());
        });
    }

    @Override
    public List<CheckpointRef> checkpoints(String workflowId) {
        return registry(() -> registry.training().checkpoints(required(workflowId, "workflowId"))).stream()
                .map(c -> new CheckpointRef(c.id(), c.objectKey(), c.iteration())).toList();
    }

    /** The registry's row of a checkpoint the workflow names, which must be the run's and match the reference. */
    private Checkpoint checkpointOf(String workflowId, CheckpointRef ref) {
        Checkpoint k = registry(() -> registry.training().checkpoint(ref.id()));
        if (!k.workflowId().equals(workflowId)) {
            throw badConfig("checkpoint " + k.id() + " belongs to run '" + k.workflowId() + "', not to run '"
                    + workflowId + "'");
        }
        if (!k.objectKey().equals(ref.objectKey()) || k.iteration() != ref.iteration()) {
            throw badConfig("checkpoint " + k.id() + " is '" + k.objectKey() + "' at iteration " + k.iteration()
                    + ", but the request names '" + ref.objectKey() + "' at iteration " + ref.iteration());
        }
        return k;
    }

    @Override
    public void registerSweep(RegisterSweepRequest request) {
        if (request == null || request.points() == null || request.points().isEmpty()) {
            throw badConfig("the register sweep request is missing or has no points: " + request);
        }
        String sweepId = required(request.sweepId(), "sweepId");
        object(request.inputJson(), "inputJson of sweep '" + sweepId + "'");
        List<NewSweep.Point> points = request.points().stream().map(p -> new NewSweep.Point(p.k(),
                required(p.workflowId(), "workflowId of point " + p.k()),
                object(p.valuesJson(), "valuesJson of point " + p.k() + " of sweep '" + sweepId + "'"))).toList();
        registry(() -> registry.sweeps().register(new NewSweep(sweepId, request.temporalRunId(), request.inputJson(),
                request.metric(), required(request.split(), "split"), request.maxConcurrent(), points)));
    }

    @Override
    public void setSweepStatus(String sweepId, String status) {
        SweepStatus s;
        try {
            s = SweepStatus.of(required(status, "status"));
        } catch (IllegalArgumentException e) {
            throw badConfig("unknown sweep status '" + status + "': expected one of "
                    + Arrays.stream(SweepStatus.values()).map(SweepStatus::sql).collect(Collectors.joining(", ")));
        }
        if (s == SweepStatus.RUNNING) {
            throw badConfig("a sweep's status is set when it ends; 'running' is where it starts");
        }
        registry(() -> registry.sweeps().end(required(sweepId, "sweepId"), s));
    }

    /** {@code json} when it is a JSON object; otherwise a non-retryable BadConfig naming {@code what}. */
    private static String object(String json, String what) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(required(json, what));
        } catch (JsonProcessingException e) {
            throw badConfig(what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (parsed == null || !parsed.isObject()) {
            throw badConfig(what + " must be a JSON object, got " + json);
        }
        return json;
    }

    private NewRun newRun(RegisterRequest r) {
        if (r == null) {
            throw badConfig("the register request is missing");
        }
        String workflowId = required(r.workflowId(), "workflowId");
        String json = required(r.requestJson(), "requestJson");
        JsonNode parsed;
        try {
            parsed = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw badConfig("requestJson of run '" + workflowId + "' is not valid JSON: " + e.getOriginalMessage());
        }
        if (parsed == null || !parsed.isObject()) {
            throw badConfig("requestJson of run '" + workflowId + "' must be a JSON object, got " + json);
        }
        return new NewRun(workflowId, r.temporalRunId(), json, r.configHash(), codeVersion, r.backbone(),
                r.dataset());
    }

    private static RunStatus status(String status) {
        try {
            return RunStatus.of(required(status, "status"));
        } catch (IllegalArgumentException e) {
            throw badConfig("unknown run status '" + status + "': expected one of "
                    + Arrays.stream(RunStatus.values()).map(RunStatus::sql).collect(Collectors.joining(", ")));
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw badConfig(field + " is missing");
        }
        return value;
    }
}
