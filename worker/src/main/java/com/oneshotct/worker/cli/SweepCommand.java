package com.oneshotct.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.RegistryException;
import com.oneshotct.db.SweepChildSummary;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import com.oneshotct.workflows.pipeline.PipelineProgress;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import com.oneshotct.workflows.sweep.Ranked;
import com.oneshotct.workflows.sweep.SweepChild;
import com.oneshotct.workflows.sweep.SweepProgress;
import com.oneshotct.workflows.sweep.SweepResult;
import com.oneshotct.workflows.sweep.TrainingSweep;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot sweep start|status|summary|stop|abort}: sweeps (TrainingSweep workflows, one child run per point);
 * {@code status} and {@code summary} also read the registry's {@code sweep_summary} rows.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Start and steer sweeps (one training run per point of a grid or random search) on the"
                + " Temporal service that TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE name; their registry rows are read"
                + " from the database that ONESHOT_DB_URL, ONESHOT_DB_USER and ONESHOT_DB_PASSWORD name.",
        subcommands = {SweepCommand.Start.class, SweepCommand.Status.class, SweepCommand.Summary.class,
            SweepCommand.Stop.class, SweepCommand.Abort.class})
public final class SweepCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    /** Its children are {@code <id>-NNN}: run ids, object-key prefixes and registry keys. */
    private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";

    @Spec
    CommandSpec spec;

    private final Supplier<TemporalConfig> config;
    private final WorkflowClient client;
    private final Supplier<DbConfig> db;
    private final SecureRandom random = new SecureRandom();

    public SweepCommand() {
        this(TemporalConfig::fromEnvironment, null, DbConfig::fromEnvironment);
    }

    /** For tests: every subcommand uses {@code client} (left open) and the registry {@code db} names. */
    SweepCommand(TemporalConfig config, WorkflowClient client, Supplier<DbConfig> db) {
        this(() -> config, client, db);
    }

    private SweepCommand(Supplier<TemporalConfig> config, WorkflowClient client, Supplier<DbConfig> db) {
        this.config = config;
        this.client = client;
        this.db = db;
    }

    /** The sweep's registry rows; NotFoundException for a sweep the registry does not hold. */
    List<SweepChildSummary> registryRows(String id) {
        try (Database d = Database.open(db.get())) {
            return d.registry().sweeps().summary(id);
        }
    }

    /**
     * The registry's table of the sweep after Temporal's view, or one line saying why there is none: the registry
     * is not configured or not reachable (the sweep itself is still steered through Temporal), or it holds no such
     * sweep (started before sweeps were recorded, or its registry write failed).
     */
    void printRegistry(PrintWriter out, String id) {
        try {
            out.print(SweepSummaryFormat.table(id, registryRows(id)));
        } catch (NotFoundException e) {
            out.println("registry: sweep '" + id + "' is not recorded there");
        } catch (RegistryException | IllegalArgumentException e) {
            out.println("registry: not read: " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: start, status, summary, stop or abort");
    }

    int use(RunCommand.Work work) {
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

    /** Prints a sweep's state: a line, one row per child, then the leaderboard. */
    static void print(PrintWriter out, String id, String status, String counts, List<SweepChild> children,
            String metric, List<Ranked> board, Function<SweepChild, String> live) {
        out.println("sweep " + id + ": " + status + counts);
        out.printf("  %-4s %-28s %-10s %-10s %s%n", "k", "run", "status", metric == null ? "metric" : metric,
                "values");
        for (SweepChild c : children) {
            Double v = metric == null ? null : c.metrics().get(metric);
            String state = c.status();
            String detail = live == null ? null : live.apply(c);
            out.printf("  %-4d %-28s %-10s %-10s %s%s%n", c.k(), c.workflowId(), state,
                    v == null ? "-" : String.format(Locale.ROOT, "%.4f", v), c.values(),
                    (detail == null ? "" : "  [" + detail + "]")
                            + (c.message() == null ? "" : "  (" + c.message() + ")"));
        }
        if (board.isEmpty()) {
            out.println("leaderboard: no child has " + (metric == null ? "a metric" : metric) + " yet");
        } else {
            out.println("leaderboard by " + metric + " (higher is better):");
            for (Ranked r : board) {
                out.printf(Locale.ROOT, "  %d. %s  %.4f  %s%n", r.rank(), r.workflowId(), r.value(), r.values());
            }
        }
    }

    /** What a running child is doing, from its own progress query; null when it cannot answer. */
    static String live(WorkflowClient client, SweepChild c) {
        if (!"running".equals(c.status())) {
            return null;
        }
        try {
            PipelineProgress p = client.newWorkflowStub(TrainingPipeline.class, c.workflowId()).progress();
            return p.status() + " " + p.stage() + " " + p.iteration() + "/" + p.total()
                    + (p.waitingFor() == null ? "" : ": " + p.waitingFor());
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void printResult(PrintWriter out, SweepResult r) {
        long ok = r.children().stream().filter(c -> "succeeded".equals(c.status())).count();
        print(out, r.sweepId(), r.status(), " (" + ok + " of " + r.children().size() + " succeeded)"
                + (r.message() == null ? "" : ": " + r.message()), r.children(), r.metric(), r.leaderboard(), null);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a sweep and print its id (with --wait, then its table and leaderboard).")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        SweepCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", paramLabel = "JSON", required = true, description = {"The sweep's request, e.g."
                + " '{\"base\": {\"dataset\": \"s128\"}, \"grid\": {\"lr\": [1e-4, 1e-5]}, \"maxConcurrent\": 2}'"
                + " (see docs/pipeline.md, Sweeps)."})
        String json;

        @Option(names = "--id", paramLabel = "ID",
                description = "The sweep's id; its runs are ID-001, ID-002, ... (default: sweep-<yyyyMMdd-HHmmss"
                        + " UTC>-<4 hex>).")
        String id;

        @Option(names = "--task-queue", paramLabel = "QUEUE", defaultValue = RunCommand.DEFAULT_TASK_QUEUE,
                description = "Task queue of the sweep and its runs (default: ${DEFAULT-VALUE}).")
        String taskQueue;

        @Option(names = "--wait", description = "Wait for the sweep to end and print its table and leaderboard"
                + " (exit 0 when it completed, 1 when it was stopped or aborted).")
        boolean await;

        @Override
        public Integer call() {
            JsonNode input = RunCommand.request(json);
            if (id != null && !id.matches(ID_PATTERN)) {
                throw new IllegalArgumentException("--id must be letters, digits, '.', '_' or '-' (at most 100,"
                        + " starting with a letter or digit), got '" + id + "'");
            }
            String sweepId = id != null ? id : "sweep-" + ID_TIME.format(Clock.systemUTC().instant()) + "-"
                    + String.format("%04x", parent.random.nextInt(0x10000));
            PrintWriter out = spec.commandLine().getOut();
            return parent.use((client, address) -> {
                TrainingSweep sweep = client.newWorkflowStub(TrainingSweep.class, WorkflowOptions.newBuilder()
                        .setWorkflowId(sweepId).setTaskQueue(taskQueue)
                        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                        .build());
                try {
                    WorkflowClient.start(sweep::run, input);
                } catch (WorkflowExecutionAlreadyStarted e) {
                    throw new IllegalArgumentException("sweep '" + sweepId + "' already exists on " + address
                            + "; choose another --id");
                }
                out.println(sweepId);
                out.flush();
                if (!await) {
                    return 0;
                }
                SweepResult r;
                try {
                    r = WorkflowStub.fromTyped(sweep).getResult(SweepResult.class);
                } catch (WorkflowException e) {
                    throw new IllegalStateException("sweep '" + sweepId + "' failed: " + RunCommand.rootMessage(e), e);
                }
                printResult(out, r);
                out.flush();
                return "completed".equals(r.status()) ? 0 : 1;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each child's state and the leaderboard; or how the sweep ended.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        SweepCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The sweep's id.")
        String id;

        @Option(names = "--json", description = "Print the progress or result as one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return parent.use((client, address) -> {
                TrainingSweep sweep = client.newWorkflowStub(TrainingSweep.class, id);
                WorkflowStub stub = WorkflowStub.fromTyped(sweep);
                WorkflowExecutionDescription d = RunCommand.describe(stub, id, address);
                WorkflowExecutionStatus s = d.getStatus();
                if (s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
                    SweepProgress p;
                    try {
                        p = sweep.progress();
                    } catch (WorkflowException e) {
                        throw new IllegalStateException("sweep '" + id + "' is running but does not answer: "
                                + RunCommand.rootMessage(e) + " (does a worker poll task queue " + d.getTaskQueue()
                                + "?)", e);
                    }
                    if (json) {
                        out.println(JSON.valueToTree(p).toPrettyString());
                    } else {
                        print(out, id, p.status(), " (" + p.running() + " running, " + p.finished() + " finished of "
                                + p.children().size() + "; at most " + p.maxConcurrent() + " at once)", p.children(),
                                p.metric(), p.leaderboard(), c -> live(client, c));
                        parent.printRegistry(out, id);
                    }
                } else {
                    SweepResult r;
                    try {
                        r = stub.getResult(SweepResult.class);
                    } catch (WorkflowException e) {
                        out.println("sweep " + id + ": " + RunCommand.state(s) + ": " + RunCommand.rootMessage(e));
                        out.flush();
                        return 1;
                    }
                    if (json) {
                        out.println(JSON.valueToTree(r).toPrettyString());
                    } else {
                        printResult(out, r);
                        parent.printRegistry(out, id);
                    }
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "The registry's row of each point (sweep_summary): its run's status, validation and test"
                    + " metrics and rank; works after Temporal forgot the sweep.")
    static final class Summary implements Callable<Integer> {
        @ParentCommand
        SweepCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The sweep's id.")
        String id;

        @Option(names = "--json", description = "Print the rows as a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            List<SweepChildSummary> rows;
            try {
                rows = parent.registryRows(id);
            } catch (NotFoundException e) {
                throw new IllegalArgumentException("sweep '" + id + "' is not in the registry", e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? RegistryJson.write(rows) + System.lineSeparator() : SweepSummaryFormat.table(id, rows));
            out.flush();
            return 0;
        }
    }

    /** Sends one signal to a running sweep; an unknown or ended sweep is refused by name. */
    static int signal(SweepCommand parent, CommandSpec spec, String id, String what, Consumer<TrainingSweep> send) {
        return parent.use((client, address) -> RunCommand.send(client, address, TrainingSweep.class, "sweep", id, what,
                send, spec.commandLine().getOut()));
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Start no more runs; stop the running ones gracefully (each evaluates its latest checkpoint).")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        SweepCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The sweep's id.")
        String id;

        @Override
        public Integer call() {
            return signal(parent, spec, id, "stop", TrainingSweep::stop);
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Start no more runs; stop and abort the running ones.")
    static final class Abort implements Callable<Integer> {
        @ParentCommand
        SweepCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The sweep's id.")
        String id;

        @Option(names = "--reason", paramLabel = "R", defaultValue = "aborted from the command line",
                description = "Why (default: ${DEFAULT-VALUE}).")
        String reason;

        @Override
        public Integer call() {
            return signal(parent, spec, id, "abort", s -> s.abort(reason));
        }
    }
}
