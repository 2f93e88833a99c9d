package com.oneshotct.model.train;

import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import com.oneshotct.model.nn.GradMode;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.S2Weights;
import com.oneshotct.model.nn.StateDict;
import java.nio.file.Path;

/**
 * The network a training checkpoint holds, rebuilt for inference from the checkpoint alone: its header names the
 * backbone, image size and s2 policy, so no other configuration has to travel with it. The optimiser state is left
 * in the file.
 *
 * @param config the training configuration the checkpoint was written under
 * @param net the network with the checkpoint's weights
 * @param iteration iterations trained
 * @param sha256 the file's SHA-256
 */
public record TrainedModel(TrainConfig config, OneShotNet net, int iteration, String sha256) {

    /** Reads and verifies {@code file} (every entry's SHA-256, format, all weights present and of the right shape). */
    public static TrainedModel open(Path file, NDManager manager) {
        GradMode.offOnThisThread();
        String sha = Checkpoint.sha256(file);
        Checkpoint.Read r = Checkpoint.read(file);
        TrainConfig config = config(file, r.header());
        S2Weights s2;
        try {
            s2 = S2Weights.valueOf(r.header().path("s2Weights").asText(S2Weights.COPY.name()));
        } catch (IllegalArgumentException e) {
            throw new DataException(file, "unknown s2 weight policy '" + r.header().path("s2Weights").asText() + "'");
        }
        OneShotNet net = new OneShotNet(config.modelConfig(), s2);
        net.initialize(manager);
        try (NDManager sub = manager.newSubManager()) {
            NDList weights = Checkpoint.weights(sub, file, r.entries());
            StateDict.load(net, "", weights, true, file.toString());
        } catch (IllegalArgumentException e) {
            throw new DataException(file, e.getMessage(), e);
        }
        return new TrainedModel(config, net, r.header().path("iteration").asInt(), sha);
    }

    /** The training configuration a checkpoint's header records. */
    public static TrainConfig config(Path file) {
        return config(file, Checkpoint.read(file).header());
    }

    static TrainConfig config(Path file, JsonNode h) {
        JsonNode t = h.path("train");
        if (!t.isObject()) {
            throw new DataException(file, "checkpoint header has no 'train' section (written by an older version)");
        }
        try {
            // fields written before a setting existed are absent: the paper's value, which is the builder's default
            return TrainConfigJson.read(t, TrainConfig.builder().build());
        } catch (IllegalArgumentException e) {
            throw new DataException(file, "checkpoint header: " + e.getMessage(), e);
        }
    }
}
