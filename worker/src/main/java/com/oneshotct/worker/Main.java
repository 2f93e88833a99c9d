package com.oneshotct.worker;

import com.oneshotct.worker.cli.BenchCommand;
import com.oneshotct.worker.cli.DatasetCommand;
import com.oneshotct.worker.cli.DbCommand;
import com.oneshotct.worker.cli.EngineCommand;
import com.oneshotct.worker.cli.EvaluateCommand;
import com.oneshotct.worker.cli.MetricsCommand;
import com.oneshotct.worker.cli.ModelCommand;
import com.oneshotct.worker.cli.PredictCommand;
import com.oneshotct.worker.cli.ReportCommand;
import com.oneshotct.worker.cli.RunCommand;
import com.oneshotct.worker.cli.SweepCommand;
import com.oneshotct.worker.cli.RunsCommand;
import com.oneshotct.worker.cli.SynthCommand;
import com.oneshotct.worker.cli.TrainCommand;
import com.oneshotct.worker.cli.WeightsCommand;
import com.oneshotct.worker.cli.WorkerCommand;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
            SweepCommand.class,
            TrainCommand.class,
            WeightsCommand.class,
            PredictCommand.class,
            EvaluateCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            EngineCommand.class
        })
public final class Main {
    @Option(names = ErrorExit.DEBUG_OPTION, scope = CommandLine.ScopeType.INHERIT, description = "On an error,"
            + " print the Java stack trace too (as " + ErrorExit.DEBUG_ENV + "=1 does).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 ok, 1 failure, 2 bad usage or bad input ({@link ErrorExit}). */
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
        // every failure ends in one place: one line naming the problem, exit 2 for bad input, no stack trace
        // unless --debug or ONESHOT_DEBUG=1 asks for it
        cli.setExecutionExceptionHandler(ErrorExit::execution);
        cli.setParameterExceptionHandler(ErrorExit::parameter);
        return cli;
    }
}
