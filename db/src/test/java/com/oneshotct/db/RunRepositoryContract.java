package com.oneshotct.db;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static com.oneshotct.db.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datasets and runs: idempotent registration, verbatim text, status rules, clear errors. */
abstract class RunRepositoryContract extends DbContract {

    @Test
    void retriedRegistrationLeavesOneRowAndReturnsIt() throws SQLException {
        RunRepository runs = registry.runs();
        Run first = runs.register(run("wf-retry", "resnext50", "cncb-demo"));
        // the same request with other spacing and key order is the same JSON value: still a retry
        NewRun again = new NewRun("wf-retry", "temporal-wf-retry",
                "{\"solver\":{\"iterations\":100,\"lr\":0.01},\"backbone\":\"resnext50\",\"dataset\":\"cncb-demo\"}",
                first.configHash(), first.codeVersion(), "resnext50", "cncb-demo");
        Run second = runs.register(again);
        assertEquals(first, second);
        assertEquals(1, countWhere("runs", "workflow_id = 'wf-retry'"));
        assertEquals(RunStatus.REGISTERED, second.status());
        assertNull(second.startedAt());
    }

    @Test
    void sameWorkflowIdWithAnotherRequestIsAConflict() {
        registry.runs().register(run("wf-conflict", "resnext50", "cncb-demo"));
        ConflictException e = assertThrows(ConflictException.class,
                () -> registry.runs().register(run("wf-conflict", "resnet50", "cncb-demo")));
        assertEquals("run 'wf-conflict' is already registered with a different request", e.getMessage());
    }

    @Test
    void textFullOfQuotesAndSqlStaysVerbatim() {
        String evil = "x'); DROP TABLE runs; -- \"quoted\" \\ back\\slash $$dollar$$ ;'";
        String request = "{\"backbone\": \"resnext50\", \"note\": " + jsonString(evil) + "}";
        Run r = registry.runs().register(new NewRun(evil, evil, request, evil, evil, "resnext50", evil));
        Run read = registry.runs().get(evil);
        assertEquals(evil, read.workflowId());
        assertEquals(evil, read.temporalRunId());
        assertEquals(evil, read.datasetName());
        assertEquals(evil, read.codeVersion());
        assertTrue(read.requestJson().contains(jsonString(evil)), read.requestJson());
        assertEquals(r, read);
        Run failed = registry.runs().updateStatus(evil, RunStatus.FAILED, evil);
        assertEquals(evil, failed.error());
        assertEquals(1, registry.audit().listRuns(RunFilter.ALL.withDataset(evil)).size());
    }

    @Test
    void statusMovesStampTimesAndATerminalStatusIsFinal() {
        RunRepository runs = registry.runs();
        runs.register(run("wf-status", "resnext50", "cncb-demo"));
        Run running = runs.updateStatus("wf-status", RunStatus.RUNNING, null);
        assertNotNull(running.startedAt());
        assertNull(running.endedAt());
        Run waiting = runs.updateStatus("wf-status", RunStatus.WAITING, "train exhausted its retries");
        assertEquals(running.startedAt(), waiting.startedAt(), "started_at is stamped once");
        Run done = runs.updateStatus("wf-status", RunStatus.SUCCEEDED, null);
        assertNotNull(done.endedAt());
        assertNull(done.error());
        assertEquals(done, runs.updateStatus("wf-status", RunStatus.SUCCEEDED, null), "a repeat is harmless");

        ConstraintViolationException e = assertThrows(ConstraintViolationException.class,
                () -> runs.updateStatus("wf-status", RunStatus.RUNNING, null));
        assertTrue(e.getMessage().contains("run wf-status already ended as succeeded; it cannot become running"),
                e.getMessage());
    }

    @Test
    void failedWithoutAnErrorIsRefusedByName() {
        registry.runs().register(run("wf-noerr", "resnext50", "cncb-demo"));
        ConstraintViolationException e = assertThrows(ConstraintViolationException.class,
                () -> registry.runs().updateStatus("wf-noerr", RunStatus.FAILED, null));
        assertEquals("runs_failed_has_error", e.constraint());
        assertEquals("runs", e.table());
        assertEquals("setting run 'wf-noerr' to failed failed: check constraint runs_failed_has_error on runs"
                + " refused the row", e.getMessage());
    }

    @Test
    void constraintViolationsNameTheConstraintOrColumn() {
        ConstraintViolationException backbone = assertThrows(ConstraintViolationException.class, () ->
                registry.runs().register(new NewRun("wf-bb", null, "{\"backbone\": \"resnet50\"}", "h", "v",
                        "resnext50", "d")));
        assertEquals("runs_backbone_matches_request", backbone.constraint());

        ConstraintViolationException blank = assertThrows(ConstraintViolationException.class, () ->
                registry.runs().register(new NewRun("  ", null, "{}", "h", "v", "resnext50", "d")));
        assertEquals("runs_workflow_id_not_blank", blank.constraint());

        ConstraintViolationException nulls = assertThrows(ConstraintViolationException.class, () ->
                registry.runs().register(new NewRun("wf-null", null, "{}", null, "v", "resnext50", "d")));
        assertEquals("config_hash", nulls.column());
        assertTrue(nulls.getMessage().endsWith("column runs.config_hash must not be null"), nulls.getMessage());

        RegistryException json = assertThrows(RegistryException.class, () ->
                registry.runs().register(new NewRun("wf-json", null, "{not json", "h", "v", "resnext50", "d")));
        assertTrue(json.getMessage().startsWith("registering run 'wf-json' failed: invalid input syntax for type"
                + " json"), json.getMessage());
    }

    @Test
    void datasetRegistrationIsIdempotentAndLinkedOnce() {
        NewDataset d = Fixtures.dataset("cncb-link");
        Dataset first = registry.runs().registerDataset(d);
        Dataset again = registry.runs().registerDataset(d);
        assertEquals(first, again);
        assertEquals(d.splitSizes(), again.splitSizes());
        assertEquals(registry.runs().dataset(d.id()), first);

        registry.runs().register(run("wf-link", "resnext50", "cncb-link"));
        assertEquals(d.id(), registry.runs().linkDataset("wf-link", d.id()).datasetId());
        assertEquals(d.id(), registry.runs().linkDataset("wf-link", d.id()).datasetId(), "relinking is a no-op");

        Dataset other = registry.runs().registerDataset(Fixtures.dataset("cncb-other"));
        ConstraintViolationException e = assertThrows(ConstraintViolationException.class,
                () -> registry.runs().linkDataset("wf-link", other.id()));
        assertTrue(e.getMessage().contains("dataset and creation time cannot change"), e.getMessage());

        ConstraintViolationException badHash = assertThrows(ConstraintViolationException.class, () ->
                registry.runs().registerDataset(new NewDataset("ABC", "x", "p/", 1, 1, java.util.Map.of())));
        assertEquals("datasets_id_is_sha256_hex", badHash.constraint());

        String unknown = Fixtures.sha256("never registered");
        ConstraintViolationException fk = assertThrows(ConstraintViolationException.class,
                () -> registry.runs().linkDataset("wf-link", unknown));
        assertTrue(fk.getMessage().contains("dataset"), fk.getMessage());
    }

    @Test
    void unknownIdsAreNotFoundErrors() {
        NotFoundException run = assertThrows(NotFoundException.class, () -> registry.runs().get("no-such-run"));
        assertEquals("run 'no-such-run' not found", run.getMessage());
        assertThrows(NotFoundException.class,
                () -> registry.runs().updateStatus("no-such-run", RunStatus.RUNNING, null));
        assertThrows(NotFoundException.class,
                () -> registry.runs().linkDataset("no-such-run", Fixtures.sha256("d")));
        NotFoundException ds = assertThrows(NotFoundException.class, () -> registry.runs().dataset("feed"));
        assertEquals("dataset 'feed' not found", ds.getMessage());
    }

    @Test
    void runsCannotBeDeletedOrRewrittenBehindTheRepository() {
        registry.runs().register(run("wf-immutable", "resnext50", "cncb-demo"));
        SQLException delete = assertThrows(SQLException.class,
                () -> sql("DELETE FROM runs WHERE workflow_id = 'wf-immutable'"));
        assertTrue(delete.getMessage().contains("cannot be deleted"), delete.getMessage());
        SQLException rewrite = assertThrows(SQLException.class,
                () -> sql("UPDATE runs SET code_version = 'other' WHERE workflow_id = 'wf-immutable'"));
        assertTrue(rewrite.getMessage().contains("cannot change"), rewrite.getMessage());
    }

    private long countWhere(String table, String condition) throws SQLException {
        return count(table + " WHERE " + condition);
    }

    static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
