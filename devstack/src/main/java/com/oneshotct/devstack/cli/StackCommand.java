package com.oneshotct.devstack.cli;

import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.DbConfig;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.worker.temporal.TemporalConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot stack}: the embedded services alone, in the foreground, so workers and {@code oneshot run} can
 * be started and killed on their own. It prints where each service is and the variables a worker needs; the keys
 * are never printed, they are only in the env file (mode 600) it asks you to {@code source}.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"Run PostgreSQL, S3Proxy and the Temporal test server in this process until interrupted"
                + " (Ctrl-C), for workers started elsewhere.",
            "Database files and objects stay in the state folder across restarts; Temporal keeps workflows in"
                + " memory, so they end with the stack: a restart marks the registry's unfinished runs lost. Every"
                + " start makes new S3 keys; the registry's password is made at the first start and kept in the"
                + " state folder (mode 600).",
            "Run `source <state-dir>/stack.env` in another shell to point workers and `oneshot run` here."})
public final class StackCommand implements Callable<Integer> {

    @Option(names = "--state-dir", paramLabel = "DIR",
            defaultValue = "${sys:user.home}/.local/share/oneshot/stack",
            description = "Folder for the database, the objects and stack.env (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--temporal-port", paramLabel = "N", defaultValue = "7233",
            description = "Temporal gRPC port on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int temporalPort;

    @Option(names = "--db-port", paramLabel = "N", defaultValue = "55432",
            description = "PostgreSQL port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int dbPort;

    @Option(names = "--s3-port", paramLabel = "N", defaultValue = "59000",
            description = "S3 port on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int s3Port;

    @Spec
    CommandSpec spec;

    private final Consumer<EmbeddedStack> untilStopped;

    public StackCommand() {
        this(stack -> awaitShutdown());
    }

    /** For tests: {@code untilStopped} returns when the stack should stop. */
    StackCommand(Consumer<EmbeddedStack> untilStopped) {
        this.untilStopped = untilStopped;
    }

    @Override
    public Integer call() {
        EmbeddedStack stack = EmbeddedStack.start(stateDir,
                new EmbeddedStack.Ports(temporalPort, dbPort, s3Port));
        // Ctrl-C ends the JVM without returning here; the hook stops the services (and removes the env file).
        Thread hook = new Thread(stack::close, "oneshot-stack-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            PrintWriter out = spec.commandLine().getOut();
            describe(stack, out);
            out.flush();
            untilStopped.accept(stack);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running and closes the stack itself
            }
            stack.close();
        }
        return 0;
    }

    static void describe(EmbeddedStack stack, PrintWriter out) {
        Map<String, String> env = stack.environment();
        out.println("OneShot CT embedded stack is up; Ctrl-C stops it.");
        out.println("  Temporal test server  " + env.get(TemporalConfig.ADDRESS_VAR) + ", namespace "
                + env.get(TemporalConfig.NAMESPACE_VAR) + " (in memory: workflows end with the stack)");
        out.println("  PostgreSQL            " + env.get(DbConfig.URL_VAR) + " as " + env.get(DbConfig.USER_VAR)
                + ", data in " + stack.postgresDir());
        out.println("  S3Proxy               " + env.get(S3Config.ENDPOINT_VAR) + ", bucket "
                + env.get(S3Config.BUCKET_VAR) + ", objects in " + stack.objectDir());
        if (!stack.lostAtStart().isEmpty()) {
            out.println();
            out.println("Marked lost (unfinished when the previous stack stopped; their workflows were in its"
                    + " in-memory Temporal):");
            stack.lostAtStart().forEach(f -> out.println("  " + f.workflowId() + " (was " + f.registryStatus()
                    + "); see `oneshot runs show " + f.workflowId() + "`"));
        }
        out.println();
        out.println("In the shell of a worker or of `oneshot run`:");
        out.println("  source " + stack.envFile());
        out.println("which sets:");
        env.forEach((k, v) -> {
            if (!EmbeddedStack.SECRET_VARS.contains(k)) {
                out.println("  export " + k + "=" + v);
            }
        });
        out.println("  and " + String.join(", ", EmbeddedStack.SECRET_VARS.stream().sorted().toList())
                + " (only in the file, readable by you alone)");
    }

    private static void awaitShutdown() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
