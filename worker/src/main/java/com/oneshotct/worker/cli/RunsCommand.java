package com.oneshotct.worker.cli;

import com.oneshotct.db.AuditQueries;
import com.oneshotct.db.BestRun;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.Metric;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunComparison;
import com.oneshotct.db.RunDetail;
import com.oneshotct.db.RunFilter;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.SweepChildSummary;
import com.oneshotct.worker.temporal.TemporalConfig;
import io.temporal.client.WorkflowClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code oneshot runs list|show|compare|best}: audit runs in the registry the environment names; {@code runs
 * reconcile} ends as lost the runs whose workflow Temporal no longer knows.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Audit training runs recorded in the registry named by ONESHOT_DB_URL, ONESHOT_DB_USER and"
                + " ONESHOT_DB_PASSWORD.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class,
                RunsCommand.Best.class, RunsReconcileCommand.class})
public final class RunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final Supplier<DbConfig> config;
    final Supplier<TemporalConfig> temporal;
    /** The Temporal client of {@code runs reconcile}; null: connect to {@link #temporal}'s. */
    final WorkflowClient client;

    public RunsCommand() {
        this(DbConfig::fromEnvironment);
    }

    /** For tests: a database other than the environment's. */
    RunsCommand(Supplier<DbConfig> config) {
        this(config, TemporalConfig::fromEnvironment, null);
    }

    /** For tests: a database and a Temporal client (left open) other than the environment's. */
    RunsCommand(Supplier<DbConfig> config, Supplier<TemporalConfig> temporal, WorkflowClient client) {
        this.config = config;
        this.temporal = temporal;
        this.client = client;
    }

    DbConfig db() {
        return config.get();
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: list, show, compare, best or reconcile");
    }

    /** Runs a query and prints its result; an unknown id is bad input (exit 2), not a crash. */
    <T> int query(CommandSpec sub, Function<AuditQueries, T> q, boolean json, Function<T, String> text) {
        return read(sub, r -> q.apply(r.audit()), json, text);
    }

    /** Reads the registry and prints the result; an unknown id is bad input (exit 2), not a crash. */
    <T> int read(CommandSpec sub, Function<Registry, T> q, boolean json, Function<T, String> text) {
        T result;
        try (Database db = Database.open(config.get())) {
            result = q.apply(db.registry());
        } catch (NotFoundException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        PrintWriter out = sub.commandLine().getOut();
        out.print(json ? RegistryJson.write(result) + System.lineSeparator() : text.apply(result));
        out.flush();
        return 0;
    }

    /** Filters shared by {@code list} and {@code best}. */
    static final class Filters {

        @Option(names = "--status", paramLabel = "S",
                description = "registered, running, waiting, succeeded, failed, aborted or lost")
        String status;

        @Option(names = "--dataset", paramLabel = "D", description = "dataset name or content id (SHA-256)")
        String dataset;

        @Option(names = "--backbone", paramLabel = "B", description = "e.g. resnext50")
        String backbone;

        @Option(names = "--since", paramLabel = "DATE",
                description = "registered on or after DATE (2026-03-01, UTC) or an instant (2026-03-01T10:00:00Z)")
        String since;

        @Option(names = "--until", paramLabel = "DATE",
                description = "registered on or before DATE (the whole day, UTC), or before an instant")
        String until;

        RunFilter toFilter(int limit) {
            RunStatus s = null;
            if (status != null) {
                try {
                    s = RunStatus.of(status);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--status: unknown status '" + status + "'; known: "
                            + "registered, running, waiting, succeeded, failed, aborted, lost");
                }
            }
            return new RunFilter(s, dataset, backbone, instant("--since", since, false),
                    instant("--until", until, true), limit);
        }

        /** A date means its first moment, or for an inclusive upper end, the first moment of the next day. */
        static Instant instant(String option, String text, boolean endOfDay) {
            if (text == null) {
                return null;
            }
            try {
                LocalDate day = LocalDate.parse(text);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notADate) {
                try {
                    return Instant.parse(text);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(option + ": expected a date (2026-03-01) or an instant"
                            + " (2026-03-01T10:00:00Z), got '" + text + "'");
                }
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List runs, newest first.")
    static final class ListRuns implements Callable<Integer> {

        @ParentCommand
        RunsCommand parent;

        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Filters filters = new Filters();

        @Option(names = "--limit", paramLabel = "N", description = "at most N runs (default: all)")
        int limit;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() {
            RunFilter f = filters.toFilter(limit);
            return parent.query(spec, q -> q.listRuns(f), json, RunsFormat::list);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one run: stages with every attempt, metric curve, checkpoints,"
                    + " evaluations, model versions.")
    static final class Show implements Callable<Integer> {

        @ParentCommand
        RunsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN_ID", description = "the run's workflow id")
        String runId;

        @Option(names = "--json", description = "print JSON (with every metric point)")
        boolean json;

        @Override
        public Integer call() {
            return parent.query(spec, q -> q.show(runId), json, (RunDetail d) -> RunsFormat.show(d));
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare runs side by side; '*' marks the properties that differ.")
    static final class Compare implements Callable<Integer> {

        @ParentCommand
        RunsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN_ID", arity = "0..*", description = "two or more workflow ids")
        List<String> runIds = List.of();

        @Option(names = "--sweep", paramLabel = "SWEEP_ID",
                description = "compare the runs of this sweep's points instead, best rank first (points not run"
                        + " yet are left out)")
        String sweep;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() {
            if (sweep != null && !runIds.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give run ids or --sweep, not both");
            }
            if (sweep == null && runIds.size() < 2) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "compare needs two or more run ids, or --sweep SWEEP_ID");
            }
            if (sweep == null) {
                return parent.query(spec, q -> q.compare(runIds), json, (RunComparison c) -> RunsFormat.compare(c));
            }
            return parent.read(spec, r -> r.audit().compare(sweepRuns(r, sweep)), json,
                    (RunComparison c) -> "sweep " + sweep + ": " + c.workflowIds().size() + " runs, best rank first"
                            + System.lineSeparator() + RunsFormat.compare(c));
        }

        /** The workflow ids of the sweep's points that have a run, best rank first. */
        static List<String> sweepRuns(Registry r, String sweepId) {
            List<String> ids = SweepSummaryFormat.byRank(r.sweeps().summary(sweepId)).stream()
                    .filter(SweepChildSummary::hasRun).map(SweepChildSummary::workflowId).toList();
            if (ids.size() < 2) {
                throw new IllegalArgumentException("sweep '" + sweepId + "' has " + ids.size() + " point(s) with a"
                        + " run so far; compare needs two");
            }
            return ids;
        }
    }

    @Command(name = "best", mixinStandardHelpOptions = true,
            description = "The run with the highest value of a metric over its evaluations.")
    static final class Best implements Callable<Integer> {

        @ParentCommand
        RunsCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--metric", paramLabel = "M", required = true,
                description = "accuracy, weighted_f1, macro_f1, sensitivity_covid, ap50, ap75, map, coco_ap, ...")
        String metric;

        @Option(names = "--split", paramLabel = "SPLIT", description = "only evaluations on this split")
        String split;

        @CommandLine.Mixin
        Filters filters = new Filters();

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() {
            Metric m = Metric.of(metric);
            RunFilter f = filters.toFilter(0);
            return parent.query(spec, q -> q.best(m, split, f), json,
                    (Optional<BestRun> b) -> RunsFormat.best(m, split, b));
        }
    }
}
