package com.oneshotct.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.RegistryException;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ONESHOT_DB_MIGRATE=false: a worker that may not change the schema only checks it, and refuses an out-of-date
 * one before it touches anything else, saying who must migrate.
 */
class MigrateSettingTest {

    @Test
    void aWorkerThatDoesNotMigrateRefusesAnUnmigratedRegistryAndLeavesItUntouched() throws Exception {
        DbConfig db = EmbeddedPostgresSupport.createDatabase("unmigrated_registry", DbConfig::new);
        Map<String, String> env = Map.of(DbConfig.URL_VAR, db.url(), DbConfig.USER_VAR, db.user(),
                WorkerRuntime.MIGRATE_VAR, "false");
        WorkerRuntime.Options o = new WorkerRuntime.Options("oneshot-cpu", "oneshot-gpu", true, false,
                Path.of("unused"), Device.cpu(), "w");
        RegistryException e = assertThrows(RegistryException.class, () -> WorkerRuntime.start(env, o));
        assertTrue(e.getMessage().contains("ONESHOT_DB_MIGRATE=false") && e.getMessage().contains("oneshot db migrate"),
                e.getMessage());
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "");
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM information_schema.tables"
                        + " WHERE table_schema = 'public'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the worker created nothing");
        }
    }

    @Test
    void theSettingIsTrueOrFalse() {
        assertTrue(WorkerRuntime.flag(Map.of(), WorkerRuntime.MIGRATE_VAR, true));
        assertTrue(WorkerRuntime.flag(Map.of(WorkerRuntime.MIGRATE_VAR, " "), WorkerRuntime.MIGRATE_VAR, true));
        assertFalse(WorkerRuntime.flag(Map.of(WorkerRuntime.MIGRATE_VAR, "FALSE"), WorkerRuntime.MIGRATE_VAR, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerRuntime.flag(
                Map.of(WorkerRuntime.MIGRATE_VAR, "no"), WorkerRuntime.MIGRATE_VAR, true));
        assertEquals("ONESHOT_DB_MIGRATE must be true or false, got 'no'", e.getMessage());
    }
}
