package com.oneshotct.worker;

import com.oneshotct.activities.store.StoreException;
import com.oneshotct.model.data.DataException;
import com.oneshotct.worker.cli.BenchCommand;
import com.oneshotct.worker.cli.DatasetCommand;
import com.oneshotct.worker.cli.DbCommand;
import com.oneshotct.worker.cli.EngineCommand;
import com.oneshotct.worker.runtime.EngineReport;
import com.oneshotct.worker.cli.EvaluateCommand;
import com.oneshotct.worker.cli.MetricsCommand;
import com.oneshotct.worker.cli.ModelCommand;
import com.oneshotct.worker.cli.PredictCommand;
import com.oneshotct.worker.cli.ReportCommand;
import com.oneshotct.worker.cli.RunCommand;
import com.oneshotct.worker.cli.RunsCommand;
import com.oneshotct.worker.cli.SynthCommand;
import com.oneshotct.worker.cli.TrainCommand;
import com.oneshotct.worker.cli.WeightsCommand;
import com.oneshotct.worker.cli.WorkerCommand;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code oneshot} command line: one subcommand per job. This is the worker jar's; the dev jar's
 * ({@code com.oneshotct.devstack.DevMain}, which {@code ./oneshot} runs) adds the commands that run the platform's
 * services inside their own JVM ({@code demo}, {@code stack}, the platform benchmarks).
 */
@Command(
        name = "oneshot",
        mixinStandardHelpOptions = true,
        version = "oneshot 0.1.0",
        description = "OneShot CT: train, evaluate and serve the one-shot COVID-19 chest-CT model.",
        subcommands = {
            SynthCommand.class,
            DatasetCommand.class,
            MetricsCommand.class,
            ModelCommand.class,
            DbCommand.class,
            RunsCommand.class,
            WorkerCommand.class,
            RunCommand.class,
            TrainCommand.class,
            WeightsCommand.class,
            PredictCommand.class,
            EvaluateCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            EngineCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 ok, 1 failure, 2 bad usage or bad input. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        return commandLine(cli -> { });
    }

    /**
     * The command line with the subcommands {@code extend} adds (the dev jar's), listed after this jar's and before
     * {@code help}, and handled like them when they fail.
     */
    public static CommandLine commandLine(Consumer<CommandLine> extend) {
        CommandLine cli = new CommandLine(new Main());
        extend.accept(cli);
        cli.addSubcommand(new CommandLine.HelpCommand());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Bad input is the user's to fix: say what and where, without a stack trace.
            boolean badInput = ex instanceof DataException || ex instanceof IllegalArgumentException;
            cmd.getErr().println("error: " + ex.getMessage());
            // an unreachable or refusing object store is the environment's fault, not a bug: no stack trace
            if (!badInput && !(ex instanceof StoreException) && !(ex instanceof EngineReport.Unavailable)) {
                ex.printStackTrace(cmd.getErr());
            }
            return badInput ? 2 : 1;
        });
        return cli;
    }
}
