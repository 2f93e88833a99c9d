package com.oneshotct.worker.cli;

import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.MigrationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code oneshot db migrate|validate}: the registry schema in the database the environment names. */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "The experiment registry database named by ONESHOT_DB_URL, ONESHOT_DB_USER and"
                + " ONESHOT_DB_PASSWORD.",
        subcommands = {DbCommand.Migrate.class, DbCommand.Validate.class})
public final class DbCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final Supplier<DbConfig> config;

    public DbCommand() {
        this(DbConfig::fromEnvironment);
    }

    /** For tests: a database other than the environment's. */
    DbCommand(Supplier<DbConfig> config) {
        this.config = config;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: migrate or validate");
    }

    Database open() {
        return Database.open(config.get());
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Create the registry schema, or bring it up to date. Safe to repeat.")
    static final class Migrate implements Callable<Integer> {

        @ParentCommand
        DbCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Database db = parent.open()) {
                MigrationReport r = db.migrate();
                PrintWriter out = spec.commandLine().getOut();
                String where = DbConfig.mask(db.config().url());
                if (r.applied() == 0) {
                    out.println("registry schema at " + where + " is current (version " + r.schemaVersion() + ")");
                } else {
                    out.println("migrated registry schema at " + where + ": applied " + r.applied()
                            + " migration(s), now at version " + r.schemaVersion());
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check that the applied migrations match this build's.")
    static final class Validate implements Callable<Integer> {

        @ParentCommand
        DbCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Database db = parent.open()) {
                db.validate();
                spec.commandLine().getOut().println("registry schema at " + DbConfig.mask(db.config().url())
                        + " matches its migrations");
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
    }
}
