package com.oneshotct.workflows.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.config.ConfigException;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated request of one pipeline run, every default filled in: the run's own fields and its whole training
 * configuration.
 *
 * <p>{@link #parse} is the only way in from JSON: one flat object whose training members are {@link TrainConfig}'s,
 * under their {@code TrainConfigJson} names (a setting added to {@code TrainConfig} is taken here with no change).
 * Unknown fields, wrong JSON types and out-of-range values are {@link IllegalArgumentException}s whose message names
 * every bad field; the training members are checked by {@code TrainConfig} itself, the one validation.
 *
 * @param dataset dataset name in object storage ({@code datasets/<dataset>/})
 * @param datasetVersion the dataset's version to train on: an id or its first 8 or more characters; empty for the
 *     newest when the run fetches it (the run is then pinned to that version)
 * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param cpuQueue task queue of register, fetch, evaluate and registry writes
 * @param gpuQueue task queue of training
 * @param evalSplits splits the evaluate stage scores
 * @param modelName model the final checkpoint becomes a version of
 * @param parkTimeout how long a run whose stage exhausted its retries waits for {@code retryStage} / {@code abort}
 * @param heartbeatTimeout the training activity's heartbeat timeout: how soon a lost training worker is noticed;
 *     fetch and evaluate use it too where it is shorter than their own (see {@link StageOptions})
 * @param train the training configuration: what the training activity receives and the checkpoint records
 * @param validation how checkpoints are scored while the run trains (fields {@code validateEvery},
 *     {@code valSplit}, {@code valImages}, {@code selectMetric}, {@code earlyStop}, {@code validateConcurrency})
 */
public record PipelineInput(String dataset, String datasetVersion, String device, String cpuQueue, String gpuQueue, List<String> evalSplits,
        String modelName, Duration parkTimeout, Duration heartbeatTimeout, TrainConfig train, Validation validation) {

    /**
     * The paper trains with 1e-5; the default is ten times larger because the demo's short synthetic runs (tens of
     * iterations) barely move at 1e-5. Ask for 1e-5 explicitly to follow the paper.
     */
    public static final double DEFAULT_LR = 1e-4;

    /** The training configuration of a run that sets nothing: the paper's, but for the demo-sized values above. */
    public static final TrainConfig DEFAULT_TRAIN = TrainConfig.builder().optBackbone("resnet18")
            .optImageSize(128).optIterations(40).optCheckpointInterval(10).optSeed(1).optLr(DEFAULT_LR).build();

    /** The run's own fields; every other field is a {@link TrainConfig} member. */
    private static final List<String> OWN = List.of("datasetVersion", "device", "cpuQueue", "gpuQueue", "evalSplits",
            "modelName", "parkTimeout", "heartbeatTimeout", "validateEvery", "valSplit", "valImages", "selectMetric",
            "earlyStop", "validateConcurrency");
    /** Every field the input takes: the dataset, the training members, then the run's other fields. */
    static final Set<String> FIELDS = new LinkedHashSet<>();

    static {
        FIELDS.add("dataset");
        FIELDS.addAll(TrainConfigJson.FIELDS);
        FIELDS.addAll(OWN);
    }

    /** Training members a pipeline run needs at 1 or more where {@link TrainConfig} takes 0. */
    private static final List<String> AT_LEAST_ONE = List.of("iterations", "checkpointInterval");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("|[0-9a-f]{8,64}");
    private static final Pattern DEVICE = Pattern.compile("cpu|gpu(:[0-9]{1,3})?");
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");
    private static final Pattern SPLIT = Pattern.compile("[a-z]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every field the input takes, in {@link #toJson()}'s order. */
    public static Set<String> fields() {
        return Collections.unmodifiableSet(FIELDS);
    }

    /** Every field at its default: what {@code {}} means. */
    public static PipelineInput defaults() {
        return new PipelineInput("synthetic-demo", "", "cpu", "oneshot-cpu", "oneshot-gpu", List.of("test"),
                "oneshot-ct", Duration.ofDays(7), Duration.ofMinutes(5), DEFAULT_TRAIN, Validation.defaults());
    }

    /**
     * Reads a request: a JSON object, or a JSON string holding one (what the Temporal UI sends when its input box
     * holds quoted JSON). {@code null} (no input at all) means every default.
     *
     * @throws IllegalArgumentException naming every bad field, or saying why the whole input is unusable
     */
    public static PipelineInput parse(JsonNode input) {
        JsonNode node = input;
        if (node == null || node.isNull() || node.isMissingNode()) {
            return defaults();
        }
        if (node.isTextual()) {
            try {
                node = JSON.readTree(node.textValue());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "pipeline input: the string is not valid JSON: " + e.getOriginalMessage());
            }
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("pipeline input must be a JSON object (or a string holding one), got "
                    + (node == null ? "nothing" : InputReader.show(node)));
        }
        PipelineInput d = defaults();
        InputReader r = new InputReader((ObjectNode) node, FIELDS);
        String dataset = r.text("dataset", d.dataset, NAME, "a dataset name matching " + NAME);
        // a run trains and checkpoints (oneshot train also takes 0 for both: an untrained export, no interim one)
        ObjectNode members = ((ObjectNode) node).deepCopy();
        for (String f : AT_LEAST_ONE) {
            JsonNode v = members.get(f);
            if (v != null && v.isIntegralNumber() && v.canConvertToLong() && v.longValue() < 1) {
                r.problems().add("field '" + f + "' must be between 1 and " + TrainConfig.MAX_ITERATIONS + ", got "
                        + v.longValue());
                members.remove(f);
            }
        }
        TrainConfig train = null;
        try {
            train = TrainConfigJson.read(members, DEFAULT_TRAIN);
        } catch (ConfigException e) {
            r.problems().addAll(e.problems());
        }
        String datasetVersion = r.text("datasetVersion", d.datasetVersion, VERSION,
                "empty (the newest) or a version id or its first 8 or more characters (lower-case hex)");
        String device = r.text("device", d.device, DEVICE, "cpu, gpu or gpu:N");
        String cpuQueue = r.text("cpuQueue", d.cpuQueue, QUEUE, "a task queue name matching " + QUEUE);
        String gpuQueue = r.text("gpuQueue", d.gpuQueue, QUEUE, "a task queue name matching " + QUEUE);
        List<String> evalSplits = r.texts("evalSplits", d.evalSplits, SPLIT, "a split name matching " + SPLIT, 16);
        String modelName = r.text("modelName", d.modelName, MODEL_NAME, "a model name matching " + MODEL_NAME);
        Duration parkTimeout = r.duration("parkTimeout", d.parkTimeout, Duration.ofSeconds(1), Duration.ofDays(366));
        Duration heartbeatTimeout =
                r.duration("heartbeatTimeout", d.heartbeatTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        Validation v = d.validation;
        Validation validation = new Validation(r.integer("validateEvery", v.every(), 0, TrainConfig.MAX_ITERATIONS),
                r.text("valSplit", v.split(), SPLIT, "a split name matching " + SPLIT),
                r.integer("valImages", v.images(), 1, 100_000),
                r.choice("selectMetric", v.metric(), Validation.METRICS),
                r.integer("earlyStop", v.earlyStop(), 0, 10_000),
                r.integer("validateConcurrency", v.concurrency(), 1, 64));
        if (!r.problems().isEmpty()) {
            throw new IllegalArgumentException("pipeline input: " + String.join("; ", r.problems()));
        }
        return new PipelineInput(dataset, datasetVersion, device, cpuQueue, gpuQueue, evalSplits, modelName, parkTimeout,
                heartbeatTimeout, train, validation);
    }

    /**
     * The full request, defaults filled in, fields in {@link #FIELDS}' order; {@link #parse} reads it back to an
     * equal record. Durations are written in {@link Duration#toString()} form ({@code P7D} becomes {@code PT168H}).
     */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("dataset", dataset);
        o.setAll(TrainConfigJson.write(train));
        o.put("datasetVersion", datasetVersion);
        o.put("device", device);
        o.put("cpuQueue", cpuQueue);
        o.put("gpuQueue", gpuQueue);
        evalSplits.forEach(o.putArray("evalSplits")::add);
        o.put("modelName", modelName);
        o.put("parkTimeout", parkTimeout.toString());
        o.put("heartbeatTimeout", heartbeatTimeout.toString());
        o.put("validateEvery", validation.every());
        o.put("valSplit", validation.split());
        o.put("valImages", validation.images());
        o.put("selectMetric", validation.metric());
        o.put("earlyStop", validation.earlyStop());
        o.put("validateConcurrency", validation.concurrency());
        return o;
    }

    /** The training configuration's hash ({@link TrainConfig#hash()}): what the registry records for the run. */
    public String configHash() {
        return train.hash();
    }
}
