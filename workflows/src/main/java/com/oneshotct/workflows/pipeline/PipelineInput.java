package com.oneshotct.workflows.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated request of one pipeline run, every default filled in.
 *
 * <p>{@link #parse} is the only way in from JSON: unknown fields, wrong JSON types and out-of-range values are
 * {@link IllegalArgumentException}s whose message names every bad field.
 *
 * @param dataset dataset name in object storage ({@code datasets/<dataset>/})
 * @param backbone backbone id
 * @param imageSize side of the square network input; a multiple of 32 (the one feature map has stride 32)
 * @param iterations paper iterations of the whole run
 * @param checkpointInterval iterations between checkpoints
 * @param seed the run's seed
 * @param lr Adam learning rate
 * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param cpuQueue task queue of register, fetch, evaluate and registry writes
 * @param gpuQueue task queue of training
 * @param evalSplits splits the evaluate stage scores
 * @param modelName model the final checkpoint becomes a version of
 * @param parkTimeout how long a run whose stage exhausted its retries waits for {@code retryStage} / {@code abort}
 * @param heartbeatTimeout the training activity's heartbeat timeout: how soon a lost training worker is noticed;
 *     fetch and evaluate use it too where it is shorter than their own (see {@link StageOptions})
 * @param segWarmup the first this many iterations run the segmentation step only (0, the paper: none; see the
 *     model's {@code TrainConfig})
 * @param clsBatch images per classification step (1, the paper)
 * @param bnMode BatchNorm statistics: {@code BATCH_STATS} (the reference), {@code RUNNING_STATS} or
 *     {@code TRAIN_BATCH_EVAL_RUNNING} (PyTorch's train/eval switch, for {@code clsBatch} above 1)
 * @param lrDecay 0 (the paper): constant learning rate; D: cosine decay from {@code lr} to {@code lr}/100 over the
 *     first D iterations (see the model's {@code TrainConfig.lrAt})
 * @param headLrScale 1 (the paper): one rate for all; below 1: the FPN and the classification head learn at
 *     {@code lr} times this (see the model's {@code TrainConfig.headLrScale})
 * @param pretrain 0 (the paper): none; P: the first P iterations pre-train the backbone body as a pooled image
 *     classifier (see the model's {@code TrainConfig.pretrain})
 * @param bodyLrScale 1 (the paper): one rate; below 1: after the pre-training the body learns at {@code lr} times
 *     this
 * @param anchorSizes the RPN's anchor sizes in pixels ({@link #ANCHOR_SIZES}, the reference's; the authors' large
 *     model adds 64 and 128); the RPN head follows their number
 * @param train the whole training configuration in its one JSON form ({@code TrainConfigJson}): the fields above
 *     and every other member of a {@code TrainConfig} ({@code weightDecay}, {@code beta1}, {@code beta2},
 *     {@code eps}, and any setting added to it later, which the input then takes under the same name with no change
 *     here), validated by {@code TrainConfig} itself; what the training activity receives
 */
public record PipelineInput(String dataset, String backbone, int imageSize, int iterations, int checkpointInterval,
        long seed, double lr, String device, String cpuQueue, String gpuQueue, List<String> evalSplits,
        String modelName, Duration parkTimeout, Duration heartbeatTimeout, int segWarmup, int clsBatch,
        String bnMode, int lrDecay, double headLrScale, int pretrain, double bodyLrScale, List<Integer> anchorSizes,
        ObjectNode train) {

    /** {@link BodyArch}'s ids, alphabetical. */
    public static final List<String> BACKBONES = Arrays.stream(BodyArch.values()).map(BodyArch::id).sorted().toList();
    public static final int MAX_ITERATIONS = TrainConfig.MAX_LR_DECAY;
    public static final int MAX_IMAGE_SIZE = TrainConfig.MAX_IMAGE_SIZE;
    /** The network's single feature map has stride 32, so the input side must divide by it. */
    public static final int IMAGE_STRIDE = 32;
    public static final int MAX_CLS_BATCH = TrainConfig.MAX_CLS_BATCH;
    public static final List<String> BN_MODES = Arrays.stream(BnMode.values()).map(Enum::name).toList();
    public static final List<Integer> ANCHOR_SIZES = ModelConfig.ANCHOR_SIZES;
    public static final int MAX_ANCHOR_SIZES = TrainConfig.MAX_ANCHOR_SIZES;

    /**
     * The paper trains with 1e-5; the default is ten times larger because the demo's short synthetic runs (tens of
     * iterations) barely move at 1e-5. Ask for 1e-5 explicitly to follow the paper.
     */
    public static final double DEFAULT_LR = 1e-4;

    /** The training configuration of a run that sets nothing: the paper's, but for the demo-sized values above. */
    public static final TrainConfig DEFAULT_TRAIN = TrainConfig.builder().optBackbone(BodyArch.RESNET18)
            .optImageSize(128).optIterations(40).optCheckpointInterval(10).optSeed(1).optLr(DEFAULT_LR).build();

    /** The fields read (and bounded, in the input's own words) here; the rest of a TrainConfig's come whole. */
    private static final List<String> OWN = List.of("dataset", "backbone", "imageSize",
            "iterations", "checkpointInterval", "seed", "lr", "device", "cpuQueue", "gpuQueue", "evalSplits",
            "modelName", "parkTimeout", "heartbeatTimeout", "segWarmup", "clsBatch", "bnMode", "lrDecay",
            "headLrScale", "pretrain", "bodyLrScale", "anchorSizes");
    /** TrainConfig's members that have no field of their own here: taken, checked and passed on as they are. */
    static final List<String> TRAIN_ONLY = TrainConfigJson.FIELDS.stream().filter(f -> !OWN.contains(f)).toList();
    static final Set<String> FIELDS = new LinkedHashSet<>(OWN);

    static {
        FIELDS.addAll(TRAIN_ONLY);
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern DEVICE = Pattern.compile("cpu|gpu(:[0-9]{1,3})?");
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");
    private static final Pattern SPLIT = Pattern.compile("[a-z]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every field at its default: what {@code {}} means. */
    public static PipelineInput defaults() {
        TrainConfig t = DEFAULT_TRAIN;
        return new PipelineInput("synthetic-demo", t.backbone().id(), t.imageSize(), t.iterations(),
                t.checkpointInterval(), t.seed(), t.lr(), "cpu", "oneshot-cpu", "oneshot-gpu", List.of("test"),
                "oneshot-ct", Duration.ofDays(7), Duration.ofMinutes(5), t.segWarmup(), t.clsBatch(), t.bnMode().name(),
                t.lrDecay(), t.headLrScale(), t.pretrain(), t.bodyLrScale(), t.anchorSizes(),
                TrainConfigJson.write(t));
    }

    /** The training configuration the activity runs: {@link #train} read back. */
    public TrainConfig trainConfig() {
        return TrainConfigJson.read(train, DEFAULT_TRAIN);
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
        String backbone = r.choice("backbone", d.backbone, BACKBONES);
        int imageSize = r.integer("imageSize", d.imageSize, IMAGE_STRIDE, MAX_IMAGE_SIZE);
        if (imageSize % IMAGE_STRIDE != 0) {
            r.problems().add("field 'imageSize' must be a multiple of " + IMAGE_STRIDE + ", got " + imageSize);
        }
        int iterations = r.integer("iterations", d.iterations, 1, MAX_ITERATIONS);
        int checkpointInterval = r.integer("checkpointInterval", d.checkpointInterval, 1, MAX_ITERATIONS);
        long seed = r.integral("seed", d.seed, Long.MIN_VALUE, Long.MAX_VALUE);
        double lr = r.number("lr", d.lr, 0, 1);
        String device = r.text("device", d.device, DEVICE, "cpu, gpu or gpu:N");
        String cpuQueue = r.text("cpuQueue", d.cpuQueue, QUEUE, "a task queue name matching " + QUEUE);
        String gpuQueue = r.text("gpuQueue", d.gpuQueue, QUEUE, "a task queue name matching " + QUEUE);
        List<String> evalSplits = r.texts("evalSplits", d.evalSplits, SPLIT, "a split name matching " + SPLIT, 16);
        String modelName = r.text("modelName", d.modelName, MODEL_NAME, "a model name matching " + MODEL_NAME);
        Duration parkTimeout = r.duration("parkTimeout", d.parkTimeout, Duration.ofSeconds(1), Duration.ofDays(366));
        Duration heartbeatTimeout =
                r.duration("heartbeatTimeout", d.heartbeatTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        int segWarmup = r.integer("segWarmup", d.segWarmup, 0, MAX_ITERATIONS);
        int clsBatch = r.integer("clsBatch", d.clsBatch, 1, MAX_CLS_BATCH);
        String bnMode = r.choice("bnMode", d.bnMode, BN_MODES);
        int lrDecay = r.integer("lrDecay", d.lrDecay, 0, MAX_ITERATIONS);
        double headLrScale = r.number("headLrScale", d.headLrScale, 0, 1);
        int pretrain = r.integer("pretrain", d.pretrain, 0, MAX_ITERATIONS);
        double bodyLrScale = r.number("bodyLrScale", d.bodyLrScale, 0, 1);
        List<Integer> anchorSizes = r.integers("anchorSizes", d.anchorSizes, 1, MAX_IMAGE_SIZE, MAX_ANCHOR_SIZES);
        ObjectNode train = null;
        if (r.problems().isEmpty()) {
            ObjectNode t = d.train.deepCopy();
            t.put("backbone", backbone).put("imageSize", imageSize).put("iterations", iterations)
                    .put("checkpointInterval", checkpointInterval).put("seed", seed).put("lr", lr)
                    .put("segWarmup", segWarmup).put("clsBatch", clsBatch).put("bnMode", bnMode)
                    .put("lrDecay", lrDecay).put("headLrScale", headLrScale).put("pretrain", pretrain)
                    .put("bodyLrScale", bodyLrScale);
            ArrayNode sizes = t.putArray("anchorSizes");
            anchorSizes.forEach(sizes::add);
            for (String f : TRAIN_ONLY) {
                JsonNode v = node.get(f);
                if (v != null && !v.isNull()) {
                    t.set(f, v);
                }
            }
            try {
                train = TrainConfigJson.write(TrainConfigJson.read(t, DEFAULT_TRAIN));
            } catch (IllegalArgumentException e) {
                r.problems().add(e.getMessage());
            }
        }
        if (!r.problems().isEmpty()) {
            throw new IllegalArgumentException("pipeline input: " + String.join("; ", r.problems()));
        }
        return new PipelineInput(dataset, backbone, imageSize, iterations, checkpointInterval, seed, lr, device,
                cpuQueue, gpuQueue, evalSplits, modelName, parkTimeout, heartbeatTimeout, segWarmup, clsBatch, bnMode,
                lrDecay, headLrScale, pretrain, bodyLrScale, anchorSizes, train);
    }

    /**
     * The full request, defaults filled in, fields in declaration order; {@link #parse} reads it back to an equal
     * record. Durations are written in {@link Duration#toString()} form ({@code P7D} becomes {@code PT168H}).
     */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("dataset", dataset);
        o.put("backbone", backbone);
        o.put("imageSize", imageSize);
        o.put("iterations", iterations);
        o.put("checkpointInterval", checkpointInterval);
        o.put("seed", seed);
        o.put("lr", lr);
        o.put("device", device);
        o.put("cpuQueue", cpuQueue);
        o.put("gpuQueue", gpuQueue);
        ArrayNode splits = o.putArray("evalSplits");
        evalSplits.forEach(splits::add);
        o.put("modelName", modelName);
        o.put("parkTimeout", parkTimeout.toString());
        o.put("heartbeatTimeout", heartbeatTimeout.toString());
        o.put("segWarmup", segWarmup);
        o.put("clsBatch", clsBatch);
        o.put("bnMode", bnMode);
        o.put("lrDecay", lrDecay);
        o.put("headLrScale", headLrScale);
        o.put("pretrain", pretrain);
        o.put("bodyLrScale", bodyLrScale);
        anchorSizes.forEach(o.putArray("anchorSizes")::add);
        TRAIN_ONLY.forEach(f -> o.set(f, train.get(f)));
        return o;
    }

    /**
     * The canonical text of the fields that decide what training produces; {@link #configHash()} hashes it. The
     * learning rate is written with {@link Double#toHexString} because it is exact and, unlike
     * {@link Double#toString}, did not change between JDK releases. {@code segWarmup}, {@code clsBatch}, {@code bnMode},
     * {@code lrDecay}, {@code headLrScale}, {@code pretrain}, {@code bodyLrScale}, {@code anchorSizes} and the
     * TrainConfig-only members are there only when not the default, so runs from before them keep their hash.
     */
    public String configText() {
        return "backbone=" + backbone + "\nimageSize=" + imageSize + "\nseed=" + seed + "\nlr="
                + Double.toHexString(lr) + "\n" + (segWarmup == 0 ? "" : "segWarmup=" + segWarmup + "\n")
                + (clsBatch == 1 ? "" : "clsBatch=" + clsBatch + "\n")
                + (bnMode.equals("BATCH_STATS") ? "" : "bnMode=" + bnMode + "\n")
                + (lrDecay == 0 ? "" : "lrDecay=" + lrDecay + "\n")
                + (headLrScale == 1 ? "" : "headLrScale=" + Double.toHexString(headLrScale) + "\n")
                + (pretrain == 0 ? "" : "pretrain=" + pretrain + "\n")
                + (bodyLrScale == 1 ? "" : "bodyLrScale=" + Double.toHexString(bodyLrScale) + "\n")
                + (anchorSizes.equals(ANCHOR_SIZES) ? "" : "anchorSizes=" + anchorSizes + "\n")
                + trainOnlyText();
    }

    /** The TrainConfig-only members that differ from the default, doubles in {@link Double#toHexString} form. */
    private String trainOnlyText() {
        ObjectNode d = defaults().train;
        StringBuilder b = new StringBuilder();
        for (String f : TRAIN_ONLY) {
            JsonNode v = train.get(f);
            if (!v.equals(d.get(f))) {
                b.append(f).append('=').append(v.isFloatingPointNumber() ? Double.toHexString(v.doubleValue())
                        : v.toString()).append('\n');
            }
        }
        return b.toString();
    }

    /** SHA-256 (lower-case hex) of {@link #configText()}: two runs share checkpoints only if these are equal. */
    public String configHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(configText().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
