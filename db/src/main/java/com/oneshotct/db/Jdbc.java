package com.oneshotct.db;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The little JDBC the repositories share: a connection per call, transactions, bound parameters only, and
 * PostgreSQL errors turned into {@link RegistryException}s that name the operation and the refusing constraint.
 */
final class Jdbc {

    /** Work against one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs read-only or single-statement work in auto-commit mode. */
    <T> T read(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    /** Runs work in one transaction: all of its writes land, or none. */
    <T> T tx(String what, Work<T> work) {
        // No need to restore auto-commit (or the isolation level a caller set): the pool resets a connection's
        // state when it is returned, and a connection from a plain data source is closed for good.
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, toSql(params[i]));
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        }
    }

    static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
    }

    /** The internal key of a run, or {@link NotFoundException}. */
    static long runKey(Connection c, String workflowId) throws SQLException {
        return first(c, "SELECT id FROM runs WHERE workflow_id = ?", rs -> rs.getLong(1), workflowId)
                .orElseThrow(() -> new NotFoundException("run", workflowId));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Object toSql(Object value) {
        if (value instanceof Instant t) {
            return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
        }
        if (value instanceof SqlName n) {
            return n.sql();
        }
        return value;
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Turns a database error into a message a person can act on: what was being done, and what refused it. */
    static RegistryException translate(String what, SQLException e) {
        SQLException server = serverError(e);
        String state = server.getSQLState() == null ? "" : server.getSQLState();
        ServerErrorMessage m = server instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (m == null || !state.startsWith("23")) {
            String reason = m != null ? m.getMessage() : server.getMessage();
            return new RegistryException(what + " failed: " + reason + " [SQLState " + state + "]", e);
        }
        String table = m.getTable();
        String column = m.getColumn();
        String constraint = m.getConstraint();
        String why = switch (state) {
            case "23502" -> "column " + table + "." + column + " must not be null";
            case "23505" -> "duplicate key violates unique constraint " + constraint + " on " + table
                    + detail(m);
            case "23503" -> "foreign key constraint " + constraint + " on " + table + " refused the row"
                    + detail(m);
            case "23514" -> "check constraint " + constraint + " on " + table + " refused the row";
            default -> m.getMessage();
        };
        return new ConstraintViolationException(what + " failed: " + why, table, column, constraint, e);
    }

    /** A failed batch reports the statement's own error as its next exception; that is the one to explain. */
    private static SQLException serverError(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return x;
            }
        }
        return e;
    }

    private static String detail(ServerErrorMessage m) {
        return m.getDetail() == null ? "" : " (" + m.getDetail() + ")";
    }
}
