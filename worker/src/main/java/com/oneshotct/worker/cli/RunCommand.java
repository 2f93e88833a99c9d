package com.oneshotct.worker.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.RunView;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.pipeline.PipelineProgress;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code oneshot run start|status|stop|retry|abort}: training runs (TrainingPipeline workflows) on Temporal. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start and steer training runs on the Temporal service that TEMPORAL_ADDRESS and"
                + " TEMPORAL_NAMESPACE name (default 127.0.0.1:7233, namespace default: `oneshot stack`).",
        subcommands = {RunCommand.Start.class, RunCommand.Status.class, RunCommand.Stop.class,
            RunCommand.Retry.class, RunCommand.Abort.class})
public final class RunCommand implements Callable<Integer> {

    public static final String DEFAULT_TASK_QUEUE = "oneshot-cpu";
    /** Exit code of {@code run start --wait} for a run parked on a failed stage: it waits for a person. */
    public static final int PARKED = 3;
    /** How often {@code run start --wait} looks at a running run's progress, in ms. */
    static final long POLL = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    /** A run id is also an object-key prefix ({@code runs/<id>/...}) and a registry key: keep it plain. */
    private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    @Spec
    CommandSpec spec;

    private final Supplier<TemporalConfig> config;
    private final WorkflowClient client;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RunCommand() {
        this(TemporalConfig::fromEnvironment, null, Clock.systemUTC());
    }

    /** For tests: every subcommand uses {@code client} (left open), and messages name {@code config}'s address. */
    RunCommand(TemporalConfig config, WorkflowClient client) {
        this(() -> config, client, Clock.systemUTC());
    }

    private RunCommand(Supplier<TemporalConfig> config, WorkflowClient client, Clock clock) {
        this.config = config;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: start, status, stop, retry or abort");
    }

    /** Work against a client and the address it reaches. */
    @FunctionalInterface
    interface Work {
        int run(WorkflowClient client, String address);
    }

    int use(Work work) {
        TemporalConfig c = config.get();
        if (client != null) {
            return work.run(client, c.address());
        }
        WorkflowClient connected = Clients.connect(c);
        try {
            return work.run(connected, c.address());
        } finally {
            connected.getWorkflowServiceStubs().shutdown();
        }
    }

    /** {@code run-<yyyyMMdd-HHmmss>-<4 hex>}, UTC, so ids sort by start time whatever host made them. */
    String newRunId() {
        return "run-" + ID_TIME.format(clock.instant()) + "-" + String.format("%04x", random.nextInt(0x10000));
    }

    static JsonNode request(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--json is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("--json must be a JSON object such as '{\"dataset\": \"cncb-demo\"}',"
                    + " got: " + json);
        }
        return node;
    }

    /** Temporal's description of run {@code id}; an unknown id is the user's mistake, said plainly. */
    static WorkflowExecutionDescription describe(WorkflowStub stub, String id, String address) {
        try {
            return stub.describe();
        } catch (WorkflowNotFoundException e) {
            throw noRun(id, address);
        } catch (WorkflowServiceException e) {
            if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                throw noRun(id, address);
            }
            throw e;
        }
    }

    /** What a parked run waits on, and the two ways on: retry after fixing the cause, or abort. */
    static String parked(String runId, PipelineProgress p) {
        return "run '" + runId + "' is parked at stage " + p.stage() + ": " + p.waitingFor() + "\n"
                + "It waits (up to the input's parkTimeout, default 7 days, then aborts) for one of:\n"
                + "  oneshot run retry " + runId + "                 run stage " + p.stage()
                + " again, once the cause is fixed\n"
                + "  oneshot run abort " + runId + " --reason TEXT   end the run as aborted";
    }

    static String state(WorkflowExecutionStatus s) {
        return s.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    }

    private static IllegalArgumentException noRun(String id, String address) {
        return new IllegalArgumentException("no run '" + id + "' on " + address);
    }

    /** The innermost message of a Temporal failure chain: the activity's or workflow's own words. */
    static String rootMessage(Throwable e) {
        Throwable t = root(e);
        String m = t instanceof io.temporal.failure.TemporalFailure f ? f.getOriginalMessage() : t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a run and print its id (with --wait, then its outcome).")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        RunCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", paramLabel = "JSON", defaultValue = "{}",
                description = "The run's request: a JSON object; every field is optional (default: ${DEFAULT-VALUE}).")
        String json;

        @Option(names = "--id", paramLabel = "ID",
                description = "The run's id (default: run-<yyyyMMdd-HHmmss UTC>-<4 hex>).")
        String id;

        @Option(names = "--task-queue", paramLabel = "QUEUE", defaultValue = DEFAULT_TASK_QUEUE,
                description = "Task queue of the workflow (default: ${DEFAULT-VALUE}).")
        String taskQueue;

        @Option(names = "--wait", description = {"Wait for the run to end and print how it ended (exit 0 when it"
                + " succeeded, 1 otherwise).",
            "A run parked on a failed stage (waiting for retry or abort) ends the wait at once: exit 3, with the"
                + " stage, its error and what to do."})
        boolean await;

        /**
         * The run's result, or null when it parked (said on stderr with the stage, the error and the two ways on).
         * While it runs, its progress is asked every {@link #POLL} ms; a run whose progress cannot be asked (no
         * worker polls its queue) is simply waited on.
         */
        private PipelineResult awaitResult(TrainingPipeline pipeline, String runId) {
            WorkflowStub stub = WorkflowStub.fromTyped(pipeline);
            while (true) {
                try {
                    return stub.getResult(POLL, TimeUnit.MILLISECONDS, PipelineResult.class);
                } catch (TimeoutException stillRunning) {
                    PipelineProgress p;
                    try {
                        p = pipeline.progress();
                    } catch (WorkflowException | StatusRuntimeException unanswered) {
                        continue;
                    }
                    if ("waiting".equals(p.status())) {
                        PrintWriter err = spec.commandLine().getErr();
                        err.println(parked(runId, p));
                        err.flush();
                        return null;
                    }
                } catch (WorkflowException e) {
                    throw new IllegalStateException("run '" + runId + "' failed: " + rootMessage(e), e);
                }
            }
        }

        @Override
        public Integer call() {
            JsonNode input = request(json);
            if (id != null && !id.matches(ID_PATTERN)) {
                throw new IllegalArgumentException("--id must be letters, digits, '.', '_' or '-' (at most 128,"
                        + " starting with a letter or digit), got '" + id + "'");
            }
            String runId = id != null ? id : parent.newRunId();
            PrintWriter out = spec.commandLine().getOut();
            return parent.use((client, address) -> {
                // the id is the run's identity in the registry and the object store: never reused, even once closed
                TrainingPipeline pipeline = client.newWorkflowStub(TrainingPipeline.class, WorkflowOptions.newBuilder()
                        .setWorkflowId(runId)
                        .setTaskQueue(taskQueue)
                        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                        .build());
                WorkflowExecution execution;
                try {
                    execution = WorkflowClient.start(pipeline::run, input);
                } catch (WorkflowExecutionAlreadyStarted e) {
                    throw new IllegalArgumentException("run '" + runId + "' already exists on " + address
                            + "; choose another --id");
                }
                out.println(runId);
                out.flush();
                if (!await) {
                    return 0;
                }
                PipelineResult result = awaitResult(pipeline, runId);
                if (result == null) {
                    return PARKED;
                }
                new RunView(runId, execution.getRunId(), "COMPLETED", taskQueue, null, null, null, null, result, null)
                        .print(out);
                out.flush();
                return "succeeded".equals(result.status()) ? 0 : 1;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Where a run stands: stage, iteration, losses, checkpoint, attempts, ETA; or how it ended.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        RunCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        String id;

        @Option(names = "--json", description = "Print one JSON object instead of a block of lines.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return parent.use((client, address) -> {
                TrainingPipeline pipeline = client.newWorkflowStub(TrainingPipeline.class, id);
                WorkflowStub stub = WorkflowStub.fromTyped(pipeline);
                WorkflowExecutionDescription d = describe(stub, id, address);
                PipelineProgress progress = null;
                String progressError = null;
                PipelineResult result = null;
                String failure = null;
                WorkflowExecutionStatus s = d.getStatus();
                if (s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
                    try {
                        progress = pipeline.progress();
                    } catch (WorkflowException e) {
                        // the run is there, its progress is not knowable now: most often no worker polls its queue
                        progressError = rootMessage(e) + (root(e) instanceof StatusRuntimeException
                                ? " (does a worker poll task queue " + d.getTaskQueue() + "?)" : "");
                    }
                } else {
                    try {
                        result = stub.getResult(PipelineResult.class);
                    } catch (WorkflowException e) {
                        failure = rootMessage(e);
                    }
                }
                RunView view = new RunView(id, d.getExecution().getRunId(), state(s), d.getTaskQueue(),
                        d.getStartTime(), d.getCloseTime(), progress, progressError, result, failure);
                if (json) {
                    out.println(view.toJson(JSON).toPrettyString());
                } else {
                    view.print(out);
                }
                out.flush();
                return 0;
            });
        }
    }

    /** Sends one signal to a running run; an unknown or ended run is refused by name. */
    static int signal(RunCommand parent, CommandSpec spec, String id, String what, Consumer<TrainingPipeline> send) {
        return parent.use((client, address) -> send(client, address, TrainingPipeline.class, "run", id, what, send,
                spec.commandLine().getOut()));
    }

    /**
     * Sends {@code what} to the {@code kind} (run, sweep) workflow {@code id}; one that has ended is bad input, said
     * with its final state.
     */
    static <T> int send(WorkflowClient client, String address, Class<T> type, String kind, String id, String what,
            Consumer<T> send, PrintWriter out) {
        T workflow = client.newWorkflowStub(type, id);
        try {
            send.accept(workflow);
        } catch (WorkflowNotFoundException e) {
            WorkflowExecutionDescription d = describe(WorkflowStub.fromTyped(workflow), id, address);
            throw new IllegalArgumentException(kind + " '" + id + "' on " + address + " has already ended ("
                    + state(d.getStatus()) + "); " + what + " has nothing to act on");
        }
        out.println(what + " sent to " + kind + " '" + id + "'");
        out.flush();
        return 0;
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "End training after a final checkpoint, then evaluate and register what exists.")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        RunCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        String id;

        @Override
        public Integer call() {
            return signal(parent, spec, id, "stop", TrainingPipeline::stop);
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Run the stage a waiting run failed on once more (finished stages do not rerun).")
    static final class Retry implements Callable<Integer> {
        @ParentCommand
        RunCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        String id;

        @Override
        public Integer call() {
            return signal(parent, spec, id, "retryStage", TrainingPipeline::retryStage);
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true, description = "Give up a waiting run.")
    static final class Abort implements Callable<Integer> {
        @ParentCommand
        RunCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        String id;

        @Option(names = "--reason", paramLabel = "R", defaultValue = "aborted from the command line",
                description = "Why; the run ends as aborted with it (default: ${DEFAULT-VALUE}).")
        String reason;

        @Override
        public Integer call() {
            return signal(parent, spec, id, "abort", p -> p.abort(reason));
        }
    }
}
