package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.Preprocess;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.infer.Evaluation;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.infer.Evaluator;
import com.oneshotct.model.infer.OneShotPredictor;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.S2Weights;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole paper trainer on the synthetic generator's data, judged on the held-out test split: classification
 * accuracy and paper mask AP@0.5 before and after. Small configuration: ResNet18, 256 px (the single stride-32
 * feature map is 8x8; at 64 or 128 px it is 2x2 or 4x4 and the RoIs carry almost nothing), FPN width 64 (the heads'
 * cost falls 16-fold; the attention branch's LSTMs are as wide), 8 images per classification step with PyTorch's
 * train/eval BatchNorm ({@link TrainConfig#clsBatch()}, {@link BnMode#TRAIN_BATCH_EVAL_RUNNING}: at batch 1 the
 * per-image statistics erase the image-level signal and nothing learns), 600 training slices, lr 1e-3. From random
 * weights the classification branch never learnt Normal vs COVID-19 here (docs/learning.md), so the run starts with
 * 400 iterations of body pre-training ({@link TrainConfig#pretrain()}: the body as a pooled C5 classifier, a stand-in
 * for the paper's ImageNet start), then 600 paper iterations (a 50-iteration segmentation warm-up first) with the
 * rate decayed along a cosine over them ({@link TrainConfig#lrDecay()}) and the body at 0.05 of it
 * ({@link TrainConfig#bodyLrScale()}), the s2 heads at their own initialisation ({@link S2Weights#OWN}), on two
 * libtorch threads. Measured here: held-out accuracy 0.333 -> 0.967, paper AP@0.5 0.000 -> 0.464, 1680 s (with the
 * reference's {@link S2Weights#COPY}: 0.900 and 0.399).
 *
 * <p>Too long for the suite (see docs/learning.md): runs with {@code -Doneshot.learning=true}; the knobs
 * {@code -Doneshot.learning.iterations}, {@code .warmup}, {@code .lr}, {@code .accuracy}, {@code .slices},
 * {@code .testSlices}, {@code .segSlices}, {@code .batch}, {@code .bn}, {@code .lrDecay}, {@code .evalEvery},
 * {@code .threads}, {@code .s2} (COPY or OWN), {@code .headLrScale}, {@code .pretrain}, {@code .bodyLrScale} change
 * it.
 */
class ClassificationLearningTest {
    private static final int SIZE = 256;
    private static final int FPN = 64;

    @Test
    void heldOutAccuracyAndMaskApRise(@TempDir Path dir) {
        Assumptions.assumeTrue(Boolean.getBoolean("oneshot.learning"),
                "the classification learning run takes about 25 minutes on 2 cores; -Doneshot.learning=true runs it");
        int iterations = Integer.getInteger("oneshot.learning.iterations", 1000);
        int warmup = Integer.getInteger("oneshot.learning.warmup", 50);
        double lr = Double.parseDouble(System.getProperty("oneshot.learning.lr", "1e-3"));
        double minAccuracy = Double.parseDouble(System.getProperty("oneshot.learning.accuracy", "0.9"));
        int slices = Integer.getInteger("oneshot.learning.slices", 600);
        int batch = Integer.getInteger("oneshot.learning.batch", 8);
        int evalEvery = Integer.getInteger("oneshot.learning.evalEvery", 200);
        BnMode bn = BnMode.valueOf(System.getProperty("oneshot.learning.bn", BnMode.TRAIN_BATCH_EVAL_RUNNING.name()));
        int testSlices = Integer.getInteger("oneshot.learning.testSlices", 60);
        int segSlices = Integer.getInteger("oneshot.learning.segSlices", 12);
        int pretrain = Integer.getInteger("oneshot.learning.pretrain", 400);
        double bodyLrScale = Double.parseDouble(System.getProperty("oneshot.learning.bodyLrScale", "0.05"));
        int lrDecay = Integer.getInteger("oneshot.learning.lrDecay", iterations - pretrain);
        double headLrScale = Double.parseDouble(System.getProperty("oneshot.learning.headLrScale", "1"));
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(5).withSize(SIZE).withCounts(segSlices, 6, slices,
                testSlices))
                .write(dir, line -> { });
        CtDataset data = CtDataset.open(dir);
        List<SegmentationItem> seg = data.segmentation().stream().filter(i -> i.split().equals("train")).toList();
        List<ClassificationItem> cls = data.classification().stream().filter(i -> i.split().equals("train"))
                .toList();
        TrainConfig config = TrainConfig.builder().optBackbone("resnet18").optImageSize(SIZE).optSeed(3).optLr(lr)
                .optWeightDecay(0).optIterations(iterations).optSegWarmup(warmup).optClsBatch(batch).optBnMode(bn)
                .optLrDecay(lrDecay).optHeadLrScale(headLrScale).optPretrain(pretrain).optBodyLrScale(bodyLrScale)
                .build();
        int threads = Integer.getInteger("oneshot.learning.threads", 2);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // a learning run needs no bit-reproducibility: use both cores of the CI machine, then restore the suite's 1
            JniUtils.setNumThreads(threads);
            Engine.getInstance().setRandomSeed(3);
            ModelConfig small = config.modelConfig().toBuilder().optFpnChannels(FPN).build();
            S2Weights s2 = S2Weights.valueOf(System.getProperty("oneshot.learning.s2", S2Weights.OWN.name()));
            OneShotNet net = new OneShotNet(small, s2);
            net.initialize(manager);
            Evaluation before = evaluate(net, manager, data);
            PaperTrainer trainer = new PaperTrainer(config, net, manager, seg, cls);
            long t0 = System.nanoTime();
            double[] window = new double[2];
            trainer.run((it, total, losses) -> {
                Float c = losses.get(it <= pretrain ? PaperTrainer.PRETRAIN : PaperTrainer.CLASSIFICATION);
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
                if (it == pretrain) {
                    System.out.printf("end of the body pre-training: its pooled classifier's held-out accuracy %.3f%n",
                            pooledAccuracy(trainer.pretrainStep(), manager, data.classification().stream()
                                    .filter(i -> i.split().equals("test")).toList()));
                }
                if (evalEvery > 0 && it % evalEvery == 0 && it < total && it > pretrain) {
                    Evaluation e = evaluate(net, manager, data);
                    System.out.printf("iteration %d: held-out accuracy %.3f, confusion %s; accuracy on 60 training"
                            + " slices %.3f%n", it, e.classification().accuracy(),
                            java.util.Arrays.deepToString(e.classification().confusionMatrix()),
                            trainingAccuracy(net, manager, spread(cls, 60)));
                }
            }, () -> false, null);
            Evaluation after = evaluate(net, manager, data);
            double accBefore = before.classification().accuracy();
            double accAfter = after.classification().accuracy();
            double apBefore = before.paperAp().ap50();
            double apAfter = after.paperAp().ap50();
            System.out.printf("held-out test split after %d iterations (%d pre-training, %d warm-up), %.0f s: accuracy"
                    + " %.3f -> %.3f, paper AP@0.5 %.3f -> %.3f%nconfusion matrix (rows truth N/CP/COVID) %s%n",
                    iterations, pretrain, warmup,
                    (System.nanoTime() - t0) / 1e9, accBefore, accAfter, apBefore, apAfter,
                    java.util.Arrays.deepToString(after.classification().confusionMatrix()));
            JniUtils.setNumThreads(1);
            assertTrue(apAfter > apBefore + 0.2, "paper AP@0.5 " + apBefore + " -> " + apAfter);
            assertTrue(accAfter >= minAccuracy, "held-out accuracy " + accAfter + " < " + minAccuracy);
        }
    }

    /** {@code n} items spread over the list (its files are sorted by class, so a prefix would be one class). */
    private static List<ClassificationItem> spread(List<ClassificationItem> items, int n) {
        int k = Math.min(n, items.size());
        return java.util.stream.IntStream.range(0, k).mapToObj(i -> items.get((int) ((long) i * items.size() / k)))
                .toList();
    }

    private static double trainingAccuracy(OneShotNet net, NDManager manager, List<ClassificationItem> items) {
        OneShotPredictor p = new OneShotPredictor(net);
        int right = 0;
        for (ClassificationItem c : items) {
            try (NDManager sub = manager.newSubManager()) {
                right += p.predict(sub, c.load()).predicted() == c.label() ? 1 : 0;
            }
        }
        return right / (double) items.size();
    }

    /** Accuracy of the pre-training's pooled C5 classifier (running BatchNorm statistics under the test's mode). */
    private static double pooledAccuracy(BodyPretrainStep step, NDManager manager, List<ClassificationItem> items) {
        Preprocess pre = new Preprocess(SIZE, SIZE);
        int right = 0;
        for (ClassificationItem c : items) {
            try (NDManager sub = manager.newSubManager()) {
                float[] l = step.logits(pre.apply(sub, c.load()).expandDims(0), false).toFloatArray();
                int k = l[0] >= l[1] && l[0] >= l[2] ? 0 : l[1] >= l[2] ? 1 : 2;
                right += k == c.label().index ? 1 : 0;
            }
        }
        return right / (double) items.size();
    }

    private static Evaluation evaluate(OneShotNet net, NDManager manager, CtDataset data) {
        return Evaluator.of(net, ApProtocol.AUTHORS, null).evaluate(manager, data, "test", (d, t) -> { });
    }
}
