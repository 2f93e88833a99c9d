package com.oneshotct.workflows.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The training activity reads every request the workflow ever sent it, through Temporal's own converter. */
class TrainRequestTest {
    private static TrainRequest decode(Payloads payloads) {
        return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0, Optional.of(payloads), TrainRequest.class,
                TrainRequest.class);
    }

    private static Payloads encode(Object value) {
        return DefaultDataConverter.STANDARD_INSTANCE.toPayloads(value).orElseThrow();
    }

    /** The request of the recorded history predates {@code train}: its flat fields become the configuration. */
    @Test
    void aRecordedFlatRequestReadsAsItsConfiguration() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/histories/happy-path.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HistoryEvent scheduled = WorkflowExecutionHistory.fromJson(json).getEvents().stream()
                .filter(e -> e.hasActivityTaskScheduledEventAttributes() && e.getActivityTaskScheduledEventAttributes()
                        .getActivityType().getName().equals("Train"))
                .findFirst().orElseThrow();
        TrainRequest r = decode(scheduled.getActivityTaskScheduledEventAttributes().getInput());
        assertEquals("replay-happy-path", r.workflowId());
        assertEquals("cncb-demo", r.dataset());
        assertEquals("cpu", r.device());
        assertEquals(TrainConfig.builder().optBackbone("resnet18").optImageSize(128).optIterations(20)
                .optCheckpointInterval(5).optSeed(1).optLr(1e-4).build(), r.config());
    }

    /** Jackson wrote a setting an old request's code did not know yet as 0 or null: the paper's value. */
    @Test
    void zerosAndNullsOfOldRequestsAreThePapers() {
        Map<String, Object> zeros = Map.of("workflowId", "w", "backbone", "resnet34", "imageSize", 64, "lr", 0.001,
                "clsBatch", 0, "headLrScale", 0, "bodyLrScale", 0, "segWarmup", 3);
        assertEquals(TrainConfig.builder().optBackbone("resnet34").optImageSize(64).optLr(0.001).optSegWarmup(3)
                .build(), decode(encode(zeros)).config());
        Map<String, Object> nulls = new HashMap<>(Map.of("workflowId", "w"));
        nulls.put("bnMode", null);
        nulls.put("anchorSizes", null);
        nulls.put("train", null);
        assertEquals(TrainConfig.builder().build(), decode(encode(nulls)).config());
    }

    /** Today's request travels whole and comes back equal. */
    @Test
    void aNewRequestRoundTrips() {
        TrainConfig c = TrainConfig.builder().optBackbone("resnet18").optImageSize(96).optClsBatch(4)
                .optLrDecay(9).build();
        TrainRequest r = new TrainRequest("w", "d", "id", "gpu:1", TrainConfigJson.write(c));
        TrainRequest back = decode(encode(r));
        assertEquals(r.workflowId(), back.workflowId());
        assertEquals(r.dataset(), back.dataset());
        assertEquals(r.datasetId(), back.datasetId());
        assertEquals(r.device(), back.device());
        assertEquals(c, back.config());
    }
}
