package com.oneshotct.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import javax.sql.DataSource;

/** A connection pool on the registry database, with its migrations and repositories. Close it when done. */
public final class Database implements AutoCloseable {

    private final DbConfig config;
    private final HikariDataSource pool;

    private Database(DbConfig config, HikariDataSource pool) {
        this.config = config;
        this.pool = pool;
    }

    /** Opens a pool; fails at once, naming the (password-free) url, when the database cannot be reached. */
    public static Database open(DbConfig config) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("oneshot-db");
        h.setJdbcUrl(config.url());
        if (config.user() != null) {
            h.setUsername(config.user());
        }
        if (config.password() != null) {
            h.setPassword(config.password());
        }
        if (config.schema() != null) {
            h.setSchema(config.schema());
        }
        h.setMaximumPoolSize(8);
        h.setConnectionTimeout(10_000);
        try {
            return new Database(config, new HikariDataSource(h));
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new RegistryException("cannot connect to the registry database " + DbConfig.mask(config.url())
                    + " as " + config.user() + ": " + cause.getMessage(), e);
        }
    }

    /** Opens the database that {@code ONESHOT_DB_URL} and friends name. */
    public static Database fromEnvironment() {
        return open(DbConfig.fromEnvironment());
    }

    public DataSource dataSource() {
        return pool;
    }

    public DbConfig config() {
        return config;
    }

    public MigrationReport migrate() {
        return Migrations.migrate(pool, config.schema());
    }

    public void validate() {
        Migrations.validate(pool, config.schema());
    }

    public Registry registry() {
        return new Registry(pool);
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Database[" + config + "]";
    }
}
