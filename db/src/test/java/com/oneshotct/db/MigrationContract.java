package com.oneshotct.db;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schema builds from empty, and a restart finds it current and valid (and notices tampering). */
abstract class MigrationContract extends DbContract {

    @Test
    void migratesFromEmptyThenRestartIsNoOpAndValid() {
        String fresh = freshSchemaName("migrate");
        try (Database first = Database.open(server().withSchema(fresh))) {
            MigrationReport report = first.migrate();
            assertEquals(9, report.applied(), "V1 tables, V2 views, V3 attempt activity ids, V4 attempt notes,"
                    + " V5 latest checkpoint ties, V6 evaluation AP protocol, V7 lost attempts and runs,"
                    + " V8 checkpoint validation, V9 sweeps");
            assertEquals("9", report.schemaVersion());
            assertEquals(List.of("checkpoints", "datasets", "evaluations", "latest_checkpoints", "model_aliases",
                    "model_versions", "runs", "stage_attempts", "sweep_children", "sweeps", "training_metrics"),
                    names(first, fresh, "BASE TABLE"));
            assertEquals(List.of("run_summary", "stage_history", "sweep_summary"), names(first, fresh, "VIEW"));
        }
        // a new pool is a restarted worker: nothing to apply, and what was applied still validates
        try (Database restarted = Database.open(server().withSchema(fresh))) {
            MigrationReport again = restarted.migrate();
            assertEquals(0, again.applied());
            assertEquals("9", again.schemaVersion());
            restarted.validate();
            drop(restarted, fresh);
        }
    }

    /** V6: an evaluation recorded under V5 reads back with the protocol it was scored with, 4 at 0.75. */
    @Test
    void evaluationsFromBeforeTheApProtocolColumnsReadAs4At075() throws SQLException {
        String fresh = freshSchemaName("v5rows");
        try (Database d = Database.open(server().withSchema(fresh))) {
            org.flywaydb.core.Flyway.configure().dataSource(d.dataSource()).locations(Migrations.LOCATION)
                    .schemas(fresh).defaultSchema(fresh).target("5").load().migrate();
            d.registry().runs().register(Fixtures.run("wf-v5", "resnet18", "synthetic"));
            Checkpoint k = d.registry().training().recordCheckpoint(Fixtures.checkpoint("wf-v5", 10, 1));
            try (Connection c = d.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + fresh + ".evaluations (run_id, checkpoint_id, split, image_count,"
                        + " ap_labels, confusion_matrix, accuracy, weighted_f1, macro_f1, sensitivity_normal,"
                        + " precision_normal, ap50, ap75, map, coco_ap, coco_ap50, coco_ap75)"
                        + " SELECT run_id, id, 'test', 1, ARRAY['ggo'], ARRAY[[1,0,0],[0,0,0],[0,0,0]], 1, 1, 1,"
                        + " 1, 1, 0.5, 0.4, 0.3, 0.2, 0.3, 0.1"
                        + " FROM " + fresh + ".checkpoints WHERE id = " + k.id());
            }
            assertEquals(4, d.migrate().applied(), "V6, V7, V8 and V9");
            EvaluationScores old = d.registry().evaluations().evaluations("wf-v5").get(0).scores();
            assertEquals(4, old.apMaxDetections());
            assertEquals(0.75, old.apScoreThreshold());
            assertEquals(0.5, old.ap50());
            drop(d, fresh);
        }
    }

    @Test
    void validationCatchesAnEditedMigration() throws SQLException {
        String fresh = freshSchemaName("tamper");
        try (Database d = Database.open(server().withSchema(fresh))) {
            d.migrate();
            try (Connection c = d.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
            }
            RegistryException e = assertThrows(RegistryException.class, d::validate);
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            RegistryException onMigrate = assertThrows(RegistryException.class, d::migrate);
            assertTrue(onMigrate.getMessage().startsWith("migrating the registry schema failed"),
                    onMigrate.getMessage());
            drop(d, fresh);
        }
    }

    @Test
    void unreachableDatabaseNamesTheUrlButNotThePassword() {
        DbConfig nowhere = new DbConfig("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "someone",
                "s3cret-pw");
        RegistryException e = assertThrows(RegistryException.class, () -> Database.open(nowhere));
        assertTrue(e.getMessage().contains("127.0.0.1:1/none"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    }

    private static List<String> names(Database d, String schemaName, String type) {
        try (Connection c = d.dataSource().getConnection();
             var ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                     + " WHERE table_schema = ? AND table_type = ? AND table_name <> 'flyway_schema_history'"
                     + " ORDER BY table_name")) {
            ps.setString(1, schemaName);
            ps.setString(2, type);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drop(Database d, String schemaName) {
        try (Connection c = d.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schemaName + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
