package com.oneshotct.db;

import static com.oneshotct.db.Fixtures.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attempts nobody closed (their worker was killed) end as {@code lost}, with the reason, when their successor starts
 * or their run ends, and count among the failed ones; a run whose workflow is gone ends as {@code lost} (V7).
 */
abstract class LostAttemptsContract extends DbContract {

    @Test
    void aKilledTrainingAttemptIsClosedAsLostByItsSuccessorAndCounted() throws SQLException {
        RunRepository runs = registry.runs();
        AttemptRepository attempts = registry.attempts();
        runs.register(Fixtures.run("wf-kill", "resnet18", "synthetic"));
        runs.updateStatus("wf-kill", RunStatus.RUNNING, null);
        attempts.begin("wf-kill", Stage.TRAIN, "9", 1, "gpu-1@host-a", "oneshot-gpu", at(0));
        attempts.note("wf-kill", Stage.TRAIN, 1, "resumed from nothing: first attempt");
        // the worker is killed here: nothing closes attempt 1; Temporal times it out and starts attempt 2
        StageAttempt second = attempts.begin("wf-kill", Stage.TRAIN, "9", 2, "gpu-2@host-b", "oneshot-gpu", at(400));
        assertEquals(2, second.attempt());
        assertTrue(second.running());

        StageAttempt lost = attempts.attempts("wf-kill").get(0);
        assertEquals(Outcome.LOST, lost.outcome());
        assertEquals(at(400), lost.endedAt(), "it ends when its successor started");
        assertEquals(AttemptRepository.SUPERSEDED, lost.errorClass());
        assertTrue(lost.errorMessage().startsWith("attempt 2 of this stage started while this one was open"),
                lost.errorMessage());
        assertTrue(lost.errorMessage().contains("gpu-1@host-a"), "names the lost worker: " + lost.errorMessage());
        assertEquals("resumed from nothing: first attempt", lost.note(), "closing keeps what it said");

        // the zombie waking later cannot rewrite its ending
        ConflictException late = assertThrows(ConflictException.class,
                () -> attempts.finish("wf-kill", Stage.TRAIN, 1, AttemptEnd.succeeded(at(900))));
        assertTrue(late.getMessage().contains("already ended as lost (superseded)"), late.getMessage());

        attempts.finish("wf-kill", Stage.TRAIN, 2, AttemptEnd.succeeded(at(500)));
        // evaluation's worker dies too, and the run ends from register_metrics' own attempt
        attempts.begin("wf-kill", Stage.EVALUATE, "10", 1, "cpu-1@host-a", "oneshot-cpu", at(510));
        StageAttempt registering = attempts.begin("wf-kill", Stage.REGISTER_METRICS, "11", 1, "cpu-2", "oneshot-cpu",
                at(600));
        runs.updateStatus("wf-kill", RunStatus.SUCCEEDED, null);
        assertEquals(1, attempts.closeOpen("wf-kill", registering));
        assertEquals(0, attempts.closeOpen("wf-kill", registering), "a repeat closes nothing");
        attempts.finish("wf-kill", Stage.REGISTER_METRICS, 1, AttemptEnd.succeeded(at(601)));

        assertEquals(List.of("train|1|lost|superseded", "train|2|succeeded|null", "evaluate|1|lost|run_ended",
                "register_metrics|1|succeeded|null"), query("SELECT stage, attempt, outcome, error_class"
                + " FROM stage_history WHERE workflow_id = 'wf-kill' ORDER BY stage_order, attempt"));
        String runEnded = query("SELECT error_message FROM stage_history WHERE workflow_id = 'wf-kill'"
                + " AND stage = 'evaluate'").get(0);
        assertTrue(runEnded.startsWith("the run ended (succeeded) while this attempt was open"), runEnded);
        assertTrue(runEnded.contains("cpu-1@host-a"), runEnded);
        assertEquals(List.of("0"), query("SELECT count(*) FROM stage_history WHERE workflow_id = 'wf-kill'"
                + " AND outcome = 'running'"), "no attempt of an ended run reads as running");

        RunSummary s = registry.audit().show("wf-kill").summary();
        assertEquals(RunStatus.SUCCEEDED, s.status());
        assertEquals(2, s.failedAttempts(), "lost attempts count as failed");
        assertEquals(2, s.lostAttempts());
    }

    /** Validations of different checkpoints run side by side: only a retry of the same activity supersedes. */
    @Test
    void sideBySideValidationsDoNotSupersedeEachOther() {
        registry.runs().register(Fixtures.run("wf-val", "resnet18", "synthetic"));
        AttemptRepository attempts = registry.attempts();
        StageAttempt a = attempts.begin("wf-val", Stage.VALIDATE, "21", 1, "cpu-1", "oneshot-cpu", at(0));
        StageAttempt b = attempts.begin("wf-val", Stage.VALIDATE, "22", 1, "cpu-2", "oneshot-cpu", at(5));
        assertEquals(List.of(1, 2), List.of(a.attempt(), b.attempt()));
        List<StageAttempt> open = attempts.attempts("wf-val");
        assertTrue(open.stream().allMatch(StageAttempt::running), "both still running: " + open);
        // activity 21 is retried (its worker died): its first attempt is superseded, 22's is not
        StageAttempt retry = attempts.begin("wf-val", Stage.VALIDATE, "21", 2, "cpu-2", "oneshot-cpu", at(60));
        assertEquals(3, retry.attempt());
        List<StageAttempt> now = attempts.attempts("wf-val");
        assertEquals(Outcome.LOST, now.get(0).outcome());
        assertEquals(AttemptRepository.SUPERSEDED, now.get(0).errorClass());
        assertTrue(now.get(1).running(), "the other checkpoint's validation still runs: " + now.get(1));
        assertTrue(now.get(2).running());
    }

    @Test
    void aRunWhoseWorkflowIsGoneEndsLostWithItsOpenAttempts() throws SQLException {
        RunRepository runs = registry.runs();
        runs.register(Fixtures.run("wf-gone", "resnet18", "synthetic"));
        runs.updateStatus("wf-gone", RunStatus.RUNNING, null);
        registry.attempts().begin("wf-gone", Stage.FETCH_DATASET, "3", 1, "cpu-1", "oneshot-cpu", at(0));
        runs.register(Fixtures.run("wf-parked", "resnet18", "synthetic"));
        runs.updateStatus("wf-parked", RunStatus.WAITING, "stage fetch_dataset failed");
        runs.register(Fixtures.run("wf-done", "resnet18", "synthetic"));
        runs.updateStatus("wf-done", RunStatus.SUCCEEDED, null);
        List<String> unended = runs.unended().stream().map(Run::workflowId).toList();
        assertTrue(unended.containsAll(List.of("wf-gone", "wf-parked")), unended.toString());
        assertTrue(!unended.contains("wf-done"), unended.toString());

        String reason = "Temporal at 127.0.0.1:7233 does not know its workflow";
        Run lost = runs.markLost("wf-gone", reason).orElseThrow();
        assertEquals(RunStatus.LOST, lost.status());
        assertEquals(reason, lost.error());
        assertNotNull(lost.endedAt());
        StageAttempt fetch = registry.attempts().attempts("wf-gone").get(0);
        assertEquals(Outcome.LOST, fetch.outcome());
        assertEquals(AttemptRepository.WORKFLOW_LOST, fetch.errorClass());
        assertTrue(fetch.errorMessage().contains(reason), fetch.errorMessage());

        assertTrue(runs.markLost("wf-gone", reason).isEmpty(), "a repeat changes nothing");
        assertTrue(runs.markLost("wf-done", reason).isEmpty(), "an ended run stays as it ended");
        assertEquals(RunStatus.SUCCEEDED, runs.get("wf-done").status());
        assertEquals(RunStatus.LOST, runs.markLost("wf-parked", reason).orElseThrow().status());
        assertThrows(RegistryException.class, () -> runs.updateStatus("wf-gone", RunStatus.RUNNING, null),
                "a lost run stays lost");
        assertThrows(IllegalArgumentException.class, () -> runs.markLost("wf-done", " "));
        assertThrows(NotFoundException.class, () -> runs.markLost("nope", reason));
        assertEquals(List.of("lost|1|1"), query("SELECT status, failed_attempts, lost_attempts FROM run_summary"
                + " WHERE workflow_id = 'wf-gone'"));
    }

    /** Attempts left open before V7 read as lost after it: superseded ones and those of ended runs. */
    @Test
    void openAttemptsFromBeforeV7AreClosedByTheMigration() throws SQLException {
        String fresh = freshSchemaName("v6rows");
        try (Database d = Database.open(server().withSchema(fresh))) {
            org.flywaydb.core.Flyway.configure().dataSource(d.dataSource()).locations(Migrations.LOCATION)
                    .schemas(fresh).defaultSchema(fresh).target("6").load().migrate();
            // rows as V6 code left them: nothing closed a killed attempt
            try (Connection c = d.dataSource().getConnection(); Statement st = c.createStatement()) {
                String t = fresh + ".";
                st.executeUpdate("INSERT INTO " + t + "runs (workflow_id, request, config_hash, code_version, backbone,"
                        + " dataset_name, status, started_at, ended_at) VALUES"
                        + " ('wf-v6', '{}', 'h', 'dev', 'resnet18', 'd', 'succeeded', '" + at(0) + "', '" + at(400)
                        + "'), ('wf-v6-live', '{}', 'h', 'dev', 'resnet18', 'd', 'running', '" + at(0) + "', NULL)");
                st.executeUpdate("INSERT INTO " + t + "stage_attempts (run_id, stage, attempt, worker_identity,"
                        + " task_queue, started_at, ended_at, outcome) SELECT r.id, v.stage, v.attempt, v.worker, 'q',"
                        + " v.started::timestamptz, v.ended::timestamptz, v.outcome FROM " + t + "runs r JOIN (VALUES"
                        + " ('wf-v6', 'train', 1, 'gpu-old', '" + at(0) + "', NULL, NULL),"
                        + " ('wf-v6', 'train', 2, 'gpu-new', '" + at(100) + "', '" + at(200) + "', 'succeeded'),"
                        + " ('wf-v6', 'evaluate', 1, 'cpu-old', '" + at(300) + "', NULL, NULL),"
                        + " ('wf-v6-live', 'train', 1, 'gpu-live', '" + at(0) + "', NULL, NULL))"
                        + " AS v(wf, stage, attempt, worker, started, ended, outcome) ON v.wf = r.workflow_id");
            }

            assertEquals(3, d.migrate().applied(), "V7, V8 and V9");
            List<String> rows = new ArrayList<>();
            for (StageAttempt a : d.registry().attempts().attempts("wf-v6")) {
                rows.add(a.stage().sql() + "#" + a.attempt() + " " + a.outcome() + " " + a.errorClass());
            }
            assertEquals(List.of("train#1 LOST superseded", "train#2 SUCCEEDED null", "evaluate#1 LOST run_ended"),
                    rows);
            StageAttempt first = d.registry().attempts().attempts("wf-v6").get(0);
            assertEquals(at(100), first.endedAt());
            assertTrue(first.errorMessage().contains("gpu-old") && first.errorMessage().contains("migration V7"),
                    first.errorMessage());
            assertTrue(d.registry().attempts().attempts("wf-v6-live").get(0).running(),
                    "an attempt that may still run is left open");
            assertEquals(2, d.registry().audit().show("wf-v6").summary().lostAttempts());
            try (Connection c = d.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + fresh + " CASCADE");
            }
        }
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(b.toString());
            }
            return out;
        }
    }
}
