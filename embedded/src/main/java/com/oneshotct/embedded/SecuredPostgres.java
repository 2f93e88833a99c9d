package com.oneshotct.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * A persistent embedded PostgreSQL that trusts nobody: every connection, TCP or local socket, logs in with a
 * password checked by scram-sha-256 ({@code pg_hba.conf} below). zonky's initdb trusts everyone ({@code -A trust});
 * a new data directory gets the superuser's password from initdb itself ({@code --pwfile}, a file of this user's
 * alone, deleted once read) and this {@code pg_hba.conf} before the server first starts, so it is never open. A
 * data directory made before (trusting, no password) starts as it was, then gets the password (sent as a SCRAM
 * verifier computed here, so the text never reaches the server or its log) and this file, reloaded at once.
 */
final class SecuredPostgres {

    static final String HBA_MARK = "# oneshot: password logins only";
    static final List<String> HBA = List.of(HBA_MARK,
            "local   all   all                  scram-sha-256",
            "host    all   all   127.0.0.1/32   scram-sha-256",
            "host    all   all   ::1/128        scram-sha-256");

    private SecuredPostgres() {
    }

    static EmbeddedPostgres start(Path dataDirectory, int port, String password) {
        if (password == null || password.length() < 16) {
            throw new IllegalArgumentException("the embedded PostgreSQL needs a password of at least 16 characters");
        }
        Path hba = dataDirectory.resolve("pg_hba.conf");
        boolean fresh = !Files.exists(dataDirectory.resolve("postgresql.conf"));
        boolean secured = !fresh && isSecured(hba);
        Path pwfile = null;
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // zonky logs in with this to see the server is up, and for every DataSource it hands out
                    .setConnectConfig("password", password);
            if (port > 0) {
                b.setPort(port);
            }
            if (fresh) {
                Files.createDirectories(dataDirectory.getParent());
                pwfile = Files.createTempFile(dataDirectory.getParent(), ".initdb", ".pw",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
                // zonky passes each "locale" setting to initdb as --name=value: its one way to hand initdb an option
                b.setLocaleConfig("pwfile", pwfile.toString());
                // runs after initdb, before the server starts
                b.setDataDirectoryCustomizer(dir -> writeHba(dir.toPath().resolve("pg_hba.conf")));
            }
            EmbeddedPostgres pg = b.start();
            if (!fresh && !secured) {
                secureRunning(pg, hba, password);
            }
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL on " + dataDirectory, e);
        } finally {
            if (pwfile != null) {
                try {
                    Files.deleteIfExists(pwfile);
                } catch (IOException e) {
                    System.err.println("could not delete initdb's password file " + pwfile + ": " + e.getMessage());
                }
            }
        }
    }

    private static boolean isSecured(Path hba) {
        try {
            return Files.readAllLines(hba, StandardCharsets.UTF_8).contains(HBA_MARK);
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeHba(Path hba) {
        try {
            Files.write(hba, HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + hba, e);
        }
    }

    /** A server started on a trusting data directory: the password first, then the file that asks for it. */
    private static void secureRunning(EmbeddedPostgres pg, Path hba, String password) {
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            c.unwrap(PGConnection.class).alterUserPassword("postgres", password.toCharArray(), "scram-sha-256");
            writeHba(hba);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_reload_conf()");
            }
        } catch (SQLException e) {
            closeQuietly(pg);
            throw new IllegalStateException("cannot set the embedded PostgreSQL's password: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(pg);
            throw e;
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
