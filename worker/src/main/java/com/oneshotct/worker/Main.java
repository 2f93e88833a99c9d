package com.oneshotct.worker;

import com.oneshotct.activities.store.StoreException;
import com.oneshotct.model.data.DataException;
import com.oneshotct.worker.cli.BenchCommand;
import com.oneshotct.worker.cli.DatasetCommand;
import com.oneshotct.worker.cli.DbCommand;
import com.oneshotct.worker.cli.MetricsCommand;
import com.oneshotct.worker.cli.ModelCommand;
import com.oneshotct.worker.cli.RunsCommand;
import com.oneshotct.worker.cli.SynthCommand;
import com.oneshotct.worker.cli.TrainCommand;
import com.oneshotct.worker.cli.WeightsCommand;
import com.oneshotct.worker.cli.DemoCommand;
import com.oneshotct.worker.cli.StackCommand;
import com.oneshotct.worker.cli.RunCommand;
import com.oneshotct.worker.cli.WorkerCommand;
import com.oneshotct.worker.cli.PredictCommand;
import com.oneshotct.worker.cli.EvaluateCommand;
import com.oneshotct.worker.cli.ReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code oneshot} command line: one subcommand per job. */
@Command(
        name = "oneshot",
        mixinStandardHelpOptions = true,
        version = "oneshot 0.1.0",
        description = "OneShot CT: train, evaluate and serve the one-shot COVID-19 chest-CT model.",
        subcommands = {
            DemoCommand.class,
            SynthCommand.class,
            DatasetCommand.class,
            MetricsCommand.class,
            ModelCommand.class,
            DbCommand.class,
            RunsCommand.class,
            StackCommand.class,
            WorkerCommand.class,
            RunCommand.class,
            TrainCommand.class,
            WeightsCommand.class,
            PredictCommand.class,
            EvaluateCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
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
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Bad input is the user's to fix: say what and where, without a stack trace.
            boolean badInput = ex instanceof DataException || ex instanceof IllegalArgumentException;
            cmd.getErr().println("error: " + ex.getMessage());
            // an unreachable or refusing object store is the environment's fault, not a bug: no stack trace
            if (!badInput && !(ex instanceof StoreException)) {
                ex.printStackTrace(cmd.getErr());
            }
            return badInput ? 2 : 1;
        });
        return cli;
    }
}
