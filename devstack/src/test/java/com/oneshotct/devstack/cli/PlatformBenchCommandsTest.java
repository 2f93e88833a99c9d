package com.oneshotct.devstack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.db.Stage;
import com.oneshotct.devstack.DevMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The platform benchmarks at their smallest: each runs for real on the embedded stack, and its JSON has every
 * field with a sane value. No timing is asserted. {@code --threads 1} everywhere: the surefire JVM's libtorch
 * setting, which a bench must not change for the tests after it.
 */
class PlatformBenchCommandsTest {

    @Test
    void pipelineOverheadIsAFractionOfEachRunsWallTime() throws Exception {
        JsonNode j = run("bench", "pipeline", "--runs", "1", "--iterations", "1", "--threads", "1", "--json");
        assertEquals("pipeline", j.path("bench").asText());
        assertEquals(1, j.path("per_run").size());
        JsonNode r = j.path("per_run").get(0);
        assertEquals("succeeded", r.path("status").asText());
        double wall = r.path("wall_s").asDouble();
        double in = r.path("in_stages_s").asDouble();
        assertTrue(wall > 0 && in > 0 && in <= wall, r.toString());
        assertEquals(wall - in, r.path("overhead_s").asDouble(), 1e-9);
        fraction(r.path("overhead_fraction").asDouble(), r.toString());
        fraction(j.path("mean_overhead_fraction").asDouble(), j.toString());
        for (Stage s : Stage.values()) {
            assertTrue(r.path("stages_s").path(s.sql()).asDouble(-1) >= 0, s + " in " + r);
            assertTrue(j.path("mean_stages_s").has(s.sql()), s.sql());
        }
        assertTrue(r.path("stages_s").path("train").asDouble() > 0, r.toString());
        assertEquals(in, j.path("reference").path("mean_in_stages_s").asDouble(), 1e-9);
    }

    @Test
    void fetchThroughputColdWarmAndThePlainLoop() throws Exception {
        JsonNode j = run("bench", "fetch", "--images", "4", "--size", "64", "--rounds", "1", "--warmup", "0", "--json");
        assertEquals("fetch", j.path("bench").asText());
        // 4 slices, each an image, the segmentation ones with a mask, and the manifest
        assertTrue(j.path("objects").asInt() >= 5, j.toString());
        assertTrue(j.path("bytes").asLong() > 0, j.toString());
        for (String f : new String[] {"cold_mb_s", "warm_mb_s"}) {
            assertTrue(j.path(f).asDouble() > 0, f + " in " + j);
        }
        assertTrue(j.path("reference").path("mb_s").asDouble() > 0, j.toString());
        assertEquals(j.path("cold_mb_s").asDouble() / j.path("reference").path("mb_s").asDouble(),
                j.path("ratios").path("cold_vs_reference").asDouble(), 1e-9);
        for (String f : new String[] {"cold", "warm", "reference"}) {
            assertEquals(1, j.path("seconds").path(f).size(), f);
        }
    }

    @Test
    void aCrashRedoesAtMostOneIntervalAndTrainingResumes() throws Exception {
        JsonNode j = run("bench", "resume", "--intervals", "1", "--iterations", "3", "--kills", "1",
                "--heartbeat-timeout", "PT10S", "--threads", "1", "--json");
        assertEquals("resume", j.path("bench").asText());
        assertEquals(1, j.path("trials").size());
        JsonNode t = j.path("trials").get(0);
        assertEquals("succeeded", t.path("status").asText(), t.toString());
        assertEquals(1, t.path("interval").asInt());
        // killed after iteration 2 (the one kill point past the first checkpoint, before the last iteration)
        assertTrue(t.path("killed_after_iteration").asInt() >= 2, t.toString());
        int resumed = t.path("resumed_from_iteration").asInt();
        assertTrue(resumed >= 1, "never from zero once a checkpoint exists: " + t);
        int redone = t.path("iterations_redone").asInt();
        assertTrue(redone >= 0 && redone <= 1, t.toString());
        assertEquals(resumed + 1, t.path("first_new_iteration").asInt(), t.toString());
        double attempt = t.path("kill_to_attempt_s").asDouble();
        assertTrue(attempt > 0 && t.path("kill_to_training_s").asDouble() >= attempt, t.toString());
        assertTrue(t.path("worker_start_s").asDouble() > 0, t.toString());
        assertEquals(redone, j.path("mean_redone_by_interval").path("1").asDouble(), 1e-9);
        // the bound: a 10 s heartbeat timeout and the train stage's 5 s first retry backoff
        assertEquals(15.0, j.path("reference").path("kill_to_attempt_bound_s").asDouble(), 1e-9);
    }

    private static void fraction(double f, String where) {
        assertTrue(f >= 0 && f <= 1, f + " in " + where);
    }

    private static JsonNode run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = DevMain.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertEquals(0, code, "exit code; stderr:\n" + err);
        return new ObjectMapper().readTree(out.toString());
    }
}
