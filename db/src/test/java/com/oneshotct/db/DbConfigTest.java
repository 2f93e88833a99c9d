package com.oneshotct.db;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbConfigTest {

    @Test
    void readsTheEnvironment() {
        DbConfig c = DbConfig.fromEnvironment(Map.of("ONESHOT_DB_URL", "jdbc:postgresql://db:5432/oneshot",
                "ONESHOT_DB_USER", "oneshot", "ONESHOT_DB_PASSWORD", "hunter2"));
        assertEquals("jdbc:postgresql://db:5432/oneshot", c.url());
        assertEquals("oneshot", c.user());
        assertEquals("hunter2", c.password());
        assertNull(c.schema());
        assertEquals("audit", DbConfig.fromEnvironment(Map.of("ONESHOT_DB_URL", "jdbc:postgresql:x",
                "ONESHOT_DB_SCHEMA", "audit")).schema());
    }

    @Test
    void neverShowsThePassword() {
        DbConfig c = new DbConfig("jdbc:postgresql://db/x?user=u&password=in-url-secret&ssl=true", "u",
                "hunter2");
        String s = c.toString();
        assertFalse(s.contains("hunter2"), s);
        assertFalse(s.contains("in-url-secret"), s);
        assertTrue(s.contains("password=******&ssl=true"), s);
        assertEquals("DbConfig[url=jdbc:postgresql:x, user=null, password=<none>, schema=<default>]",
                new DbConfig("jdbc:postgresql:x", null, null).toString());
    }

    @Test
    void missingOrWrongSettingsAreClearErrors() {
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> DbConfig.fromEnvironment(Map.of("ONESHOT_DB_USER", "u")));
        assertTrue(unset.getMessage().startsWith("ONESHOT_DB_URL is not set"), unset.getMessage());
        IllegalArgumentException mysql = assertThrows(IllegalArgumentException.class,
                () -> new DbConfig("jdbc:mysql://db/x?password=pw", "u", "p"));
        assertEquals("database url must start with jdbc:postgresql:, got jdbc:mysql://db/x?password=******",
                mysql.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DbConfig("jdbc:postgresql:x", "u", "p", "a; b"));
    }
}
