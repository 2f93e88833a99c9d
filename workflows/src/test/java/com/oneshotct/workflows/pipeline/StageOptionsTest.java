package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How soon each heartbeating stage notices a lost worker, from the input's {@code heartbeatTimeout}. */
class StageOptionsTest {

    private static PipelineInput input(String heartbeat) throws Exception {
        return PipelineInput.parse(new ObjectMapper().readTree("{\"heartbeatTimeout\": \"" + heartbeat + "\"}"));
    }

    @Test
    void fetchAndEvaluateTakeAShorterInputTimeoutButNotBelowTheFloor() throws Exception {
        // the default input (5 min) leaves fetch at its own 2 min and evaluate at its own 5 min
        PipelineInput defaults = PipelineInput.defaults();
        assertEquals(Duration.ofMinutes(2), StageOptions.fetch(defaults).getHeartbeatTimeout());
        assertEquals(Duration.ofMinutes(5), StageOptions.evaluate(defaults).getHeartbeatTimeout());
        assertEquals(Duration.ofMinutes(5), StageOptions.train(defaults).getHeartbeatTimeout());

        // 3 min: shorter than evaluate's 5, longer than fetch's 2
        PipelineInput three = input("PT3M");
        assertEquals(Duration.ofMinutes(2), StageOptions.fetch(three).getHeartbeatTimeout());
        assertEquals(Duration.ofMinutes(3), StageOptions.evaluate(three).getHeartbeatTimeout());

        PipelineInput thirty = input("PT30S");
        assertEquals(Duration.ofSeconds(30), StageOptions.fetch(thirty).getHeartbeatTimeout());
        assertEquals(Duration.ofSeconds(30), StageOptions.evaluate(thirty).getHeartbeatTimeout());

        // 2 s would expire between the fetch's heartbeats (every 5 s at most): the floor of 10 s holds, training
        // alone takes the input as it is
        PipelineInput two = input("PT2S");
        assertEquals(Duration.ofSeconds(10), StageOptions.fetch(two).getHeartbeatTimeout());
        assertEquals(Duration.ofSeconds(10), StageOptions.evaluate(two).getHeartbeatTimeout());
        assertEquals(Duration.ofSeconds(2), StageOptions.train(two).getHeartbeatTimeout());
    }
}
