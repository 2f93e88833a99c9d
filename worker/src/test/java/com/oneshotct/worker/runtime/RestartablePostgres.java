package com.oneshotct.worker.runtime;

import com.oneshotct.db.DbConfig;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A PostgreSQL of one test's own (not the shared one other tests use), keeping its data in a folder so that it can
 * be stopped and started again on the same port: a database restart as its clients see it. It can also hold a
 * table's write lock, so that a writer is caught in the middle of its statement when the server goes down.
 */
final class RestartablePostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres pg;

    RestartablePostgres(Path dataDir) {
        this.dataDir = dataDir;
        pg = EmbeddedPostgresSupport.startPersistent(dataDir, 0);
        port = pg.getPort();
    }

    /** The {@code postgres} database; the same URL before and after a restart. */
    DbConfig config() {
        return EmbeddedPostgresSupport.config(pg, "postgres", DbConfig::new);
    }

    private Connection connect() throws SQLException {
        return pg.getPostgresDatabase().getConnection();
    }

    /**
     * Takes {@code table}'s SHARE ROW EXCLUSIVE lock in a transaction left open on the returned connection: every
     * INSERT, UPDATE or DELETE on the table waits (reads do not) until the transaction or the server ends.
     */
    Connection lock(String table) throws SQLException {
        Connection c = connect();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // the name is this test's own constant; LOCK TABLE takes no bind parameters
            s.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
        }
        return c;
    }

    /** Waits until a session waits for a lock inside a statement that starts with {@code statementStart}. */
    void awaitBlocked(String statementStart, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // a connection of its own: pg_stat_activity is a snapshot per transaction, and this one must see news
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM"
                + " pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?")) {
            ps.setString(1, statementStart + "%");
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("no session waited in '" + statementStart + "...' within " + timeout);
    }

    /** Stops the server (its sessions are ended, their statements fail), waits {@code down}, starts it again. */
    void restart(Duration down) throws InterruptedException {
        stop();
        Thread.sleep(down.toMillis());
        pg = EmbeddedPostgresSupport.startPersistent(dataDir, port);
    }

    private void stop() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException("the test's PostgreSQL did not stop", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
