package com.oneshotct.devstack;

import com.oneshotct.devstack.cli.BenchFetchCommand;
import com.oneshotct.devstack.cli.BenchPipelineCommand;
import com.oneshotct.devstack.cli.BenchResumeCommand;
import com.oneshotct.devstack.cli.DemoCommand;
import com.oneshotct.devstack.cli.StackCommand;
import com.oneshotct.worker.Main;
import picocli.CommandLine;

/**
 * The {@code oneshot} command line of the dev jar, which {@code ./oneshot} runs: every command of the worker jar
 * ({@link Main}) and the ones that run PostgreSQL, S3Proxy and the Temporal test server inside their own JVM:
 * {@code demo}, {@code stack}, {@code bench pipeline}, {@code bench fetch} and {@code bench resume}.
 */
public final class DevMain {

    private DevMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, as {@link Main#run} does. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        return Main.commandLine(cli -> {
            cli.addSubcommand(new DemoCommand());
            cli.addSubcommand(new StackCommand());
            CommandLine bench = cli.getSubcommands().get("bench");
            bench.addSubcommand(new BenchPipelineCommand());
            bench.addSubcommand(new BenchFetchCommand());
            bench.addSubcommand(new BenchResumeCommand());
        });
    }
}
