package com.oneshotct.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.db.Registry;
import com.oneshotct.db.Sweep;
import com.oneshotct.db.SweepChildSummary;
import com.oneshotct.db.SweepStatus;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.RegisterSweepRequest;
import com.oneshotct.workflows.contract.RegistryActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** registerSweep and setSweepStatus on a real PostgreSQL: idempotent, and what no retry fixes fails at once. */
class SweepActivitiesTest {
    private static final String INPUT = "{\"grid\": {\"lr\": [0.001, 0.0001]}, \"maxConcurrent\": 2}";

    private RegistrySchema schema;
    private Registry registry;
    private TestActivityEnvironment env;
    private RegistryActivities activities;

    @BeforeEach
    void setUp() {
        schema = new RegistrySchema();
        registry = schema.registry;
        env = TestActivityEnvironment.newInstance();
        env.registerActivitiesImplementations(new RegistryActivitiesImpl(registry, "cpu-worker@test-host"));
        activities = env.newActivityStub(RegistryActivities.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
        schema.close();
    }

    private static RegisterSweepRequest request(String id, String input, String firstPoint) {
        return new RegisterSweepRequest(id, "temporal-" + id, input, null, "test", 2, List.of(
                new RegisterSweepRequest.Point(1, id + "-001", firstPoint),
                new RegisterSweepRequest.Point(2, id + "-002", "{\"lr\": 0.0001}")));
    }

    private static ApplicationFailure failure(Executable call) {
        ActivityFailure f = assertThrows(ActivityFailure.class, call);
        return assertInstanceOf(ApplicationFailure.class, f.getCause());
    }

    @Test
    void aSweepIsRecordedOnceWithItsPointsAndItsEnd() throws Exception {
        activities.registerSweep(request("sw", INPUT, "{\"lr\": 0.001}"));
        activities.registerSweep(request("sw", INPUT, "{\"lr\": 0.001}")); // a retried activity
        assertEquals(1, schema.count("sweeps"));
        assertEquals(2, schema.count("sweep_children"));
        Sweep s = registry.sweeps().get("sw");
        assertEquals("temporal-sw", s.temporalRunId());
        assertEquals(2, s.maxConcurrent());
        assertEquals(List.of("sw-001 pending {\"lr\": 0.001}", "sw-002 pending {\"lr\": 0.0001}"),
                registry.sweeps().summary("sw").stream()
                        .map((SweepChildSummary r) -> r.workflowId() + " " + r.status() + " " + r.pointJson()).toList());

        activities.setSweepStatus("sw", "completed");
        activities.setSweepStatus("sw", "completed");
        assertEquals(SweepStatus.COMPLETED, registry.sweeps().get("sw").status());
        assertEquals(List.of("skipped", "skipped"), registry.sweeps().summary("sw").stream()
                .map(SweepChildSummary::status).toList(), "the sweep ended without starting them");
    }

    @Test
    void whatNoRetryFixesFailsAtOnceAsBadConfigOrNotFound() throws Exception {
        activities.registerSweep(request("sw", INPUT, "{\"lr\": 0.001}"));
        ApplicationFailure other = failure(() -> activities.registerSweep(request("sw", INPUT, "{\"lr\": 0.5}")));
        assertEquals(ErrorTypes.BAD_CONFIG, other.getType());
        assertTrue(other.isNonRetryable());
        assertTrue(other.getOriginalMessage().contains("sweep 'sw' already has a different point 1"),
                other.getOriginalMessage());

        ApplicationFailure point = failure(() -> activities.registerSweep(request("sw2", INPUT, "[1]")));
        assertEquals("valuesJson of point 1 of sweep 'sw2' must be a JSON object, got [1]", point.getOriginalMessage());
        ApplicationFailure input = failure(() -> activities.registerSweep(request("sw2", "{\"grid\": ", "{}")));
        assertTrue(input.getOriginalMessage().startsWith("inputJson of sweep 'sw2' is not valid JSON"),
                input.getOriginalMessage());
        assertEquals(1, schema.count("sweeps"), "nothing half-written");

        ApplicationFailure unknown = failure(() -> activities.setSweepStatus("sw", "done"));
        assertEquals(ErrorTypes.BAD_CONFIG, unknown.getType());
        assertTrue(unknown.getOriginalMessage().contains("expected one of running, completed, stopped, aborted,"
                + " cancelled"), unknown.getOriginalMessage());
        assertEquals(ErrorTypes.BAD_CONFIG, failure(() -> activities.setSweepStatus("sw", "running")).getType());
        assertEquals(ErrorTypes.NOT_FOUND, failure(() -> activities.setSweepStatus("nope", "completed")).getType());
        activities.setSweepStatus("sw", "stopped");
        ApplicationFailure again = failure(() -> activities.setSweepStatus("sw", "aborted"));
        assertEquals(ErrorTypes.BAD_CONFIG, again.getType());
        assertTrue(again.getOriginalMessage().contains("already ended as stopped"), again.getOriginalMessage());
    }
}
