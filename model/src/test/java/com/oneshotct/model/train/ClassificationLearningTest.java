package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.infer.Evaluation;
import com.oneshotct.model.infer.Evaluator;
import com.oneshotct.model.infer.OneShotPredictor;
import com.oneshotct.model.nn.ModelConfig;
import com.oneshotct.model.nn.OneShotNet;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole paper trainer on the synthetic generator's data, judged on the held-out test split: classification
 * accuracy and paper mask AP@0.5 before and after. Small configuration: ResNet18, 256 px (the single stride-32
 * feature map is 8x8; at 64 or 128 px it is 2x2 or 4x4 and the RoIs carry almost nothing), FPN width 64 (the heads'
 * cost falls 16-fold; the attention branch's LSTMs are as wide). A segmentation warm-up comes first
 * ({@link TrainConfig#segWarmup()}).
 *
 * <p>Too long for the suite (see the README, "Learning"): runs with {@code -Doneshot.learning=true}; iterations,
 * warm-up, learning rate, the accuracy asked for and the classification training slices can be changed with
 * {@code -Doneshot.learning.iterations}, {@code .warmup}, {@code .lr}, {@code .accuracy}, {@code .slices}.
 */
class ClassificationLearningTest {
    private static final int SIZE = 256;
    private static final int FPN = 64;

    @Test
    void heldOutAccuracyAndMaskApRise(@TempDir Path dir) {
        Assumptions.assumeTrue(Boolean.getBoolean("oneshot.learning"),
                "the classification learning run takes tens of minutes on 2 cores; -Doneshot.learning=true runs it");
        int iterations = Integer.getInteger("oneshot.learning.iterations", 1250);
        int warmup = Integer.getInteger("oneshot.learning.warmup", 250);
        double lr = Double.parseDouble(System.getProperty("oneshot.learning.lr", "1e-4"));
        double minAccuracy = Double.parseDouble(System.getProperty("oneshot.learning.accuracy", "0.9"));
        int slices = Integer.getInteger("oneshot.learning.slices", 60);
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(5).withSize(SIZE).withCounts(12, 6, slices, 30))
                .write(dir, line -> { });
        CtDataset data = CtDataset.open(dir);
        List<SegmentationItem> seg = data.segmentation().stream().filter(i -> i.split().equals("train")).toList();
        List<ClassificationItem> cls = data.classification().stream().filter(i -> i.split().equals("train"))
                .toList();
        TrainConfig config = TrainConfig.builder().optBackbone("resnet18").optImageSize(SIZE).optSeed(3).optLr(lr)
                .optWeightDecay(0).optIterations(iterations).optSegWarmup(warmup).build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(3);
            ModelConfig small = config.modelConfig().toBuilder().optFpnChannels(FPN).build();
            OneShotNet net = new OneShotNet(small);
            net.initialize(manager);
            Evaluation before = evaluate(net, manager, data);
            PaperTrainer trainer = new PaperTrainer(config, net, manager, seg, cls);
            long t0 = System.nanoTime();
            double[] window = new double[2];
            trainer.run((it, total, losses) -> {
                Float c = losses.get(PaperTrainer.CLASSIFICATION);
                if (c != null) {
                    window[0] += c;
                    window[1]++;
                }
                if (it % 50 == 0) {
                    System.out.printf("iteration %d/%d (%.0f s): segmentation %.4f, classification mean of the last"
                            + " 50 %s%n", it, total, (System.nanoTime() - t0) / 1e9, losses.get(PaperTrainer.SEGMENTATION),
                            window[1] == 0 ? "-" : String.format("%.4f", window[0] / window[1]));
                    window[0] = 0;
                    window[1] = 0;
                }
            }, () -> false, null);
            Evaluation after = evaluate(net, manager, data);
            double accBefore = before.classification().accuracy();
            double accAfter = after.classification().accuracy();
            double apBefore = before.paperAp().ap50();
            double apAfter = after.paperAp().ap50();
            System.out.printf("held-out test split after %d iterations (%d warm-up), %.0f s: accuracy %.3f -> %.3f,"
                    + " paper AP@0.5 %.3f -> %.3f%nconfusion matrix (rows truth N/CP/COVID) %s%n", iterations, warmup,
                    (System.nanoTime() - t0) / 1e9, accBefore, accAfter, apBefore, apAfter,
                    java.util.Arrays.deepToString(after.classification().confusionMatrix()));
            assertTrue(apAfter > apBefore + 0.2, "paper AP@0.5 " + apBefore + " -> " + apAfter);
            assertTrue(accAfter >= minAccuracy, "held-out accuracy " + accAfter + " < " + minAccuracy);
        }
    }

    private static Evaluation evaluate(OneShotNet net, NDManager manager, CtDataset data) {
        return new Evaluator(new OneShotPredictor(net), null).evaluate(manager, data, "test", (d, t) -> { });
    }
}
