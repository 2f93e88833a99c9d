package com.oneshotct.devstack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.devstack.stack.EnvFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackCommandTest {

    @TempDir
    Path state;

    @Test
    void runsTheStackUntilStoppedPrintingTheEnvFileButNoKeys() {
        AtomicReference<Map<String, String>> seen = new AtomicReference<>();
        StackCommand command = new StackCommand(stack -> {
            // while "in the foreground": the file a second shell would source works
            Map<String, String> env = EnvFile.read(stack.envFile());
            seen.set(env);
            try (Database db = Database.open(DbConfig.fromEnvironment(env))) {
                db.validate();
            }
        });
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("--state-dir", state.toString(), "--temporal-port", "0", "--db-port", "0",
                "--s3-port", "0");
        assertEquals(0, code, out.toString());

        Map<String, String> env = seen.get();
        String printed = out.toString();
        assertTrue(printed.contains("  source " + state.resolve(EmbeddedStack.ENV_FILE).toAbsolutePath()), printed);
        assertTrue(printed.contains("  export TEMPORAL_ADDRESS=" + env.get("TEMPORAL_ADDRESS") + "\n"), printed);
        assertTrue(printed.contains("  export ONESHOT_DB_URL=" + env.get("ONESHOT_DB_URL") + "\n"), printed);
        assertTrue(printed.contains("  export ONESHOT_S3_ENDPOINT=" + env.get("ONESHOT_S3_ENDPOINT") + "\n"), printed);
        assertFalse(printed.contains(env.get("ONESHOT_S3_SECRET_KEY")), "the secret key is never printed");
        assertFalse(printed.contains(env.get("ONESHOT_S3_ACCESS_KEY")), "nor the access key");
        String password = env.get("ONESHOT_DB_PASSWORD");
        assertTrue(password.length() >= 32, "the registry has a password of its own");
        assertFalse(printed.contains(password), "nor the registry's password");
        assertTrue(printed.contains("ONESHOT_DB_PASSWORD") && printed.contains("(only in the file, readable by you"
                + " alone)"), printed);
        assertFalse(Files.exists(state.resolve(EmbeddedStack.ENV_FILE)), "stopped: the env file is gone");
    }

    @Test
    void aBadPortIsRefusedBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new StackCommand(stack -> { }));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        assertEquals(2, cli.execute("--state-dir", state.toString(), "--db-port", "70000"));
        assertEquals("error: PostgreSQL port must be 0 (any free port) to 65535, got 70000", err.toString().trim());
    }
}
