package com.oneshotct.workflows.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import java.util.List;

/**
 * Train (or resume training of) the run's model.
 *
 * @param workflowId the run
 * @param dataset dataset name; the activity makes sure its own cache holds it (it may run on another host)
 * @param datasetId the manifest SHA-256 the fetch stage verified
 * @param device {@code cpu} or {@code gpu} / {@code gpu:N}
 * @param train the whole training configuration in {@code TrainConfigJson}'s form, which the activity reads with
 *     the paper's values for members it lacks
 */
public record TrainRequest(String workflowId, String dataset, String datasetId, String device, JsonNode train) {
    /** Members whose 0 in an old request meant "not sent" (0 is not a valid value of theirs). */
    private static final List<String> LEGACY_ZERO_IS_UNSET = List.of("clsBatch", "headLrScale", "bodyLrScale");

    /**
     * Reads a request as any version of the workflow wrote it. Those from before {@code train} existed carried the
     * training fields flat, under the same names (and Jackson wrote a setting they did not know yet as 0 or null):
     * they are gathered into {@code train} here, 0 and null meaning the paper's value, so the activity has one form
     * to read.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static TrainRequest fromJson(JsonNode node) {
        JsonNode train = node.get("train");
        if (train == null || train.isNull()) {
            ObjectNode t = JsonNodeFactory.instance.objectNode();
            for (String f : TrainConfigJson.FIELDS) {
                JsonNode v = node.get(f);
                boolean unset = v == null || v.isNull() || (LEGACY_ZERO_IS_UNSET.contains(f) && v.asDouble() == 0);
                if (!unset) {
                    t.set(f, v);
                }
            }
            train = t;
        }
        return new TrainRequest(text(node, "workflowId"), text(node, "dataset"), text(node, "datasetId"),
                text(node, "device"), train);
    }

    /** {@link #train} read, the paper's values for members it lacks; a bad member is a {@code ConfigException}. */
    @JsonIgnore
    public TrainConfig config() {
        return TrainConfigJson.read(train, TrainConfig.builder().build());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
