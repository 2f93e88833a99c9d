package com.oneshotct.db;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Base of every test body: a fresh, migrated schema per test class on whatever server the backend provides
 * (embedded PostgreSQL, {@code ONESHOT_DB_URL}, or a Testcontainers PostgreSQL), dropped afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DbContract {

    protected Database db;
    protected Registry registry;
    protected String schema;

    /** The server to test against; the schema is added here. */
    protected abstract DbConfig server();

    @BeforeAll
    void createSchema() {
        schema = freshSchemaName(getClass().getSimpleName());
        db = Database.open(server().withSchema(schema));
        db.migrate();
        registry = db.registry();
    }

    @AfterAll
    void dropSchema() throws SQLException {
        if (db != null) {
            sql("DROP SCHEMA " + schema + " CASCADE");
            db.close();
        }
    }

    static String freshSchemaName(String hint) {
        String base = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return "t_" + base.substring(0, Math.min(base.length(), 30)) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Runs raw SQL as an analyst or a buggy client would, bypassing the repository. */
    protected void sql(String statement) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** {@code SELECT count(*) FROM <from>}: a table, optionally with a WHERE clause. */
    protected long count(String from) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
