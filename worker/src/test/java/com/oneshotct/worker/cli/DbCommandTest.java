package com.oneshotct.worker.cli;

import com.oneshotct.db.DbConfig;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.worker.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oneshot db migrate|validate} against the embedded PostgreSQL. */
class DbCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Supplier<DbConfig> config, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        // Main's error handling (error: ... and exit 2 for bad input), without depending on Main listing "db"
        CommandLine cli = new CommandLine(new DbCommand(config))
                .setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /** The versions of the migrations the db module ships ({@code V<n>__*.sql}); a number may be skipped. */
    private static java.util.List<Integer> migrations() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("../db/src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.matches("V\\d+__.*\\.sql"))
                    .map(f -> Integer.parseInt(f.substring(1, f.indexOf("__")))).sorted().toList();
        }
    }

    @Test
    void migrateCreatesTheSchemaThenFindsItCurrent() throws java.io.IOException {
        java.util.List<Integer> versions = migrations();
        int n = versions.size();
        int last = versions.get(n - 1);
        DbConfig db = EmbeddedPostgresSupport.createDatabase("cli_db_migrate", DbConfig::new);
        assertEquals(0, run(() -> db, "migrate"), err::toString);
        assertTrue(out.toString().contains("applied " + n + " migration(s), now at version " + last), out.toString());
        assertEquals(0, run(() -> db, "migrate"), err::toString);
        assertTrue(out.toString().contains("is current (version " + last + ")"), out.toString());
        assertEquals(0, run(() -> db, "validate"), err::toString);
        assertTrue(out.toString().contains("matches its migrations"), out.toString());
    }

    @Test
    void anUnsetDatabaseUrlIsAClearError() {
        assertEquals(2, run(() -> DbConfig.fromEnvironment(java.util.Map.of()), "migrate"));
        assertTrue(err.toString().startsWith("error: ONESHOT_DB_URL is not set"), err.toString());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertEquals(2, run(() -> EmbeddedPostgresSupport.shared(DbConfig::new)));
        assertTrue(err.toString().contains("missing subcommand"), err.toString());
    }
}
