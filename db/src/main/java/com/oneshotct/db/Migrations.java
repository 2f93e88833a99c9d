package com.oneshotct.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;

import javax.sql.DataSource;

/**
 * The registry schema's migrations ({@code db/migration/V*__*.sql} on the class path), applied by Flyway. Every
 * migrate validates what was applied before (checksums included), so an edited migration is caught on restart.
 */
public final class Migrations {

    public static final String LOCATION = "classpath:db/migration";

    private Migrations() {
    }

    /** Brings the schema ({@code schema}, or the connection's default when null) up to date. */
    public static MigrationReport migrate(DataSource dataSource, String schema) {
        try {
            MigrateResult r = flyway(dataSource, schema).migrate();
            return new MigrationReport(r.migrationsExecuted, r.targetSchemaVersion != null ? r.targetSchemaVersion
                    : r.initialSchemaVersion);
        } catch (FlywayException e) {
            throw new RegistryException("migrating the registry schema failed: " + e.getMessage(), e);
        }
    }

    /** Checks that the applied migrations match the ones on the class path and none is pending. */
    public static void validate(DataSource dataSource, String schema) {
        ValidateResult r;
        try {
            r = flyway(dataSource, schema).validateWithResult();
        } catch (FlywayException e) {
            throw new RegistryException("validating the registry schema failed: " + e.getMessage(), e);
        }
        if (!r.validationSuccessful) {
            throw new RegistryException("the registry schema does not match its migrations: "
                    + r.getAllErrorMessages());
        }
    }

    private static Flyway flyway(DataSource dataSource, String schema) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .cleanDisabled(true); // the registry is history: no code path may wipe it
        if (schema != null) {
            config = config.schemas(schema).defaultSchema(schema);
        }
        return config.load();
    }
}
