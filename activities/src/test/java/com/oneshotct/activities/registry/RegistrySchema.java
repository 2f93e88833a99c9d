package com.oneshotct.activities.registry;

import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.Registry;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, migrated registry schema on a real PostgreSQL (the one {@code ONESHOT_DB_URL} names, else the shared
 * embedded one), dropped on close.
 */
final class RegistrySchema implements AutoCloseable {

    final DbConfig config;
    final Database db;
    final Registry registry;

    RegistrySchema() {
        String url = System.getenv(DbConfig.URL_VAR);
        DbConfig server = url == null || url.isBlank() ? EmbeddedPostgresSupport.shared(DbConfig::new)
                : DbConfig.fromEnvironment();
        config = server.withSchema("t_reg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        db = Database.open(config);
        db.migrate();
        registry = db.registry();
    }

    long count(String from) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + config.schema() + " CASCADE");
        } finally {
            db.close();
        }
    }
}
