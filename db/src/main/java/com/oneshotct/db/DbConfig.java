package com.oneshotct.db;

import java.util.Map;
import java.util.Objects;

/**
 * Where the registry lives: a PostgreSQL JDBC url, user, password and an optional schema (null: the user's default
 * search path). {@link #toString()} never shows the password, nor one written into the url.
 */
public record DbConfig(String url, String user, String password, String schema) {

    public static final String URL_VAR = "ONESHOT_DB_URL";
    public static final String USER_VAR = "ONESHOT_DB_USER";
    public static final String PASSWORD_VAR = "ONESHOT_DB_PASSWORD";
    public static final String SCHEMA_VAR = "ONESHOT_DB_SCHEMA";

    public DbConfig {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("database url must start with jdbc:postgresql:, got " + mask(url));
        }
        if (schema != null && !schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("schema name must be lower-case letters, digits and _, got '"
                    + schema + "'");
        }
    }

    public DbConfig(String url, String user, String password) {
        this(url, user, password, null);
    }

    /** The same server and credentials, another schema. */
    public DbConfig withSchema(String newSchema) {
        return new DbConfig(url, user, password, newSchema);
    }

    /** Reads {@code ONESHOT_DB_URL}, {@code _USER}, {@code _PASSWORD} and {@code _SCHEMA}; the url is required. */
    public static DbConfig fromEnvironment(Map<String, String> env) {
        String url = blankToNull(env.get(URL_VAR));
        if (url == null) {
            throw new IllegalArgumentException(URL_VAR + " is not set: point it at a PostgreSQL database, e.g. "
                    + "jdbc:postgresql://localhost:5432/oneshot (with " + USER_VAR + " and " + PASSWORD_VAR + ")");
        }
        return new DbConfig(url, blankToNull(env.get(USER_VAR)), env.get(PASSWORD_VAR),
                blankToNull(env.get(SCHEMA_VAR)));
    }

    public static DbConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    @Override
    public String toString() {
        return "DbConfig[url=" + mask(url) + ", user=" + user
                + ", password=" + (password == null || password.isEmpty() ? "<none>" : "******")
                + ", schema=" + (schema == null ? "<default>" : schema) + "]";
    }

    /** The url with the value of any password parameter replaced, fit for logs and error messages. */
    public static String mask(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1******");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
