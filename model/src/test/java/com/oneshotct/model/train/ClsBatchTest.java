package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.infer.OneShotPredictor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainConfig#clsBatch()} and {@link BnMode#TRAIN_BATCH_EVAL_RUNNING}: a classification step over several
 * images runs the backbone on them together, and its loss is the mean of the images' losses.
 */
class ClsBatchTest {
    /** The loss a fresh network of {@code config} reports for one classification step on {@code items}. */
    private static float firstLoss(TrainConfig config, List<ClassificationItem> items) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            var net = PaperTrainer.newNet(config, m);
            var adam = new Adam(net.classificationParameters(), m, config.lr(), 0.9, 0.999, 1e-8, 0);
            List<GreyImage> images = items.stream().map(ClassificationItem::load).toList();
            List<ImageClass> labels = items.stream().map(ClassificationItem::label).toList();
            return new ClassificationStep(net, m, adam).run(images, labels);
        }
    }

    /** First-step losses under {@code mode}: {images 0 and 1 as one batch, image 0 alone, image 1 alone}. */
    private static float[] batchAndSingles(Path dir, BnMode mode) {
        TrainData data = new TrainData(dir);
        TrainConfig c = TrainData.tiny().optBnMode(mode).build();
        ClassificationItem a = data.classification.get(0);
        ClassificationItem b = data.classification.get(1);
        return new float[] {firstLoss(c, List.of(a, b)), firstLoss(c, List.of(a)), firstLoss(c, List.of(b))};
    }

    @Test
    void batchLossIsTheMeanOfItsImagesWhenBatchNormDoesNotMix(@TempDir Path dir) {
        // running statistics: no image's normalisation depends on another, so the batch changes nothing but the mean
        float[] l = batchAndSingles(dir, BnMode.RUNNING_STATS);
        assertNotEquals(l[1], l[2], "two different images should not give the same loss");
        assertEquals((l[1] + l[2]) / 2, l[0], 1e-5, "batch loss vs the mean of " + l[1] + " and " + l[2]);
    }

    @Test
    void underBatchStatisticsTheImagesShareTheNormalisation(@TempDir Path dir) {
        float[] l = batchAndSingles(dir, BnMode.TRAIN_BATCH_EVAL_RUNNING);
        float mean = (l[1] + l[2]) / 2;
        assertTrue(Math.abs(l[0] - mean) > 1e-4, "the backbone saw the two images apart: " + l[0] + " vs " + mean);
    }

    @Test
    void onlyClassificationBatchesMoveTheRunningStatistics(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        TrainConfig config = TrainData.tiny().optBnMode(BnMode.TRAIN_BATCH_EVAL_RUNNING).optClsBatch(2)
                .optSegWarmup(1).optIterations(2).build();
        String mean = "backbone.body.bn1.running_mean";
        String attention = "attn_layer.bn3.running_mean";
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            Map<String, byte[]> start = TrainData.snapshot(t.net());
            Map<String, Float> warm = t.step();
            Map<String, byte[]> afterSeg = TrainData.snapshot(t.net());
            assertFalse(warm.containsKey(PaperTrainer.CLASSIFICATION));
            assertArrayEquals(start.get(mean), afterSeg.get(mean), "the one-image segmentation step moved " + mean);
            assertFalse(Arrays.equals(start.get("backbone.body.conv1.weight"), afterSeg.get("backbone.body.conv1.weight")),
                    "the segmentation step trained the backbone");
            t.step();
            Map<String, byte[]> afterCls = TrainData.snapshot(t.net());
            assertFalse(Arrays.equals(afterSeg.get(mean), afterCls.get(mean)), "the classification batch moved it");
            assertFalse(Arrays.equals(afterSeg.get(attention), afterCls.get(attention)),
                    "the classification batch moved " + attention);
            new OneShotPredictor(t.net()).predict(m, data.classification.get(0).load());
            Map<String, byte[]> afterPredict = TrainData.snapshot(t.net());
            assertArrayEquals(afterCls.get(mean), afterPredict.get(mean), "inference moved " + mean);
            assertArrayEquals(afterCls.get(attention), afterPredict.get(attention), "inference moved " + attention);
            Path file = dir.resolve("b.ckpt");
            Checkpoint.save(t, file);
            TrainConfig back = TrainedModel.config(file);
            assertEquals(2, back.clsBatch());
            assertEquals(BnMode.TRAIN_BATCH_EVAL_RUNNING, back.bnMode());
            try (NDManager m2 = NDManager.newBaseManager("PyTorch")) {
                assertEquals(BnMode.TRAIN_BATCH_EVAL_RUNNING, TrainedModel.open(file, m2).net().config().bnMode(),
                        "inference from the checkpoint normalises as the training did");
            }
        }
    }

    @Test
    void settingsAreCheckedAndJoinTheHashOnlyWhenSet() {
        TrainConfig paper = TrainData.tiny().build();
        assertEquals(1, paper.clsBatch());
        assertEquals(BnMode.BATCH_STATS, paper.bnMode());
        assertFalse(paper.canonical().contains("clsBatch"), "checkpoints from before the setting keep their hash");
        assertTrue(TrainData.tiny().optClsBatch(4).build().canonical().endsWith("clsBatch=4\n"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optClsBatch(0).build())
                .getMessage().contains("clsBatch"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optClsBatch(65).build())
                .getMessage().contains("clsBatch"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainData.tiny().optBnMode("BATCH"))
                .getMessage().contains("BATCH_STATS"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            var net = PaperTrainer.newNet(paper, m);
            String msg = assertThrows(IllegalArgumentException.class, () -> new PaperTrainer(
                    TrainData.tiny().optBnMode(BnMode.TRAIN_BATCH_EVAL_RUNNING).build(), net, m, List.of(), List.of()))
                    .getMessage();
            assertTrue(msg.contains("TRAIN_BATCH_EVAL_RUNNING"), msg);
        }
    }
}
