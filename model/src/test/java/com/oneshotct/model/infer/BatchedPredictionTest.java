package com.oneshotct.model.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.ClassificationReader;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.SegmentationReader;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.metrics.CocoDetection;
import com.oneshotct.model.nn.Detections;
import com.oneshotct.model.nn.OneShotNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batched inference against its truth, the one-slice path: the same classes, probabilities, lesions, boxes, scores
 * and masks for a batch of different slices, in each BatchNorm mode; and the same evaluation scores at batch 4 as
 * at batch 1. Tolerances: float rounding of batched kernels, far below any decision the model takes.
 */
class BatchedPredictionTest {
    private static final int SIZE = 64;
    private static final double PROB_TOL = 1e-4;
    private static final double SCORE_TOL = 1e-4;
    private static final double BOX_TOL = 1e-2;
    // an untrained model scores everything near 1/4: a zero threshold gives it detections to compare
    private static final Detections LOW = new Detections(0.0, 0.5, 6, 0.01f);
    private static NDManager manager;
    private static OneShotNet net;
    private static CtDataset data;
    private static final List<GreyImage> SLICES = new ArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path dir) {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(5).withSize(SIZE).withCounts(1, 5, 1, 5))
                .write(dir, line -> { });
        data = CtDataset.open(dir);
        SLICES.add(SegmentationReader.read(dir.resolve("segmentation")).get(0).load().image());
        SLICES.add(ClassificationReader.read(dir.resolve("classification")).get(0).load());
        SLICES.add(upscaled(SegmentationReader.read(dir.resolve("segmentation")).get(1).load().image()));
        manager = NDManager.newBaseManager("PyTorch");
        Engine.getInstance().setRandomSeed(13);
        net = new OneShotNet(ModelConfig.builder().optBackbone("resnet18").optImageSize(SIZE).build());
        net.initialize(manager);
    }

    @AfterAll
    static void tearDown() {
        net.setBnMode(BnMode.BATCH_STATS);
        manager.close();
    }

    /** A slice of another size than the model's: the batch resizes each slice and maps its lesions back. */
    private static GreyImage upscaled(GreyImage g) {
        int w = g.width() * 3 / 2;
        int h = g.height() * 3 / 2;
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = g.pixels()[(y * 2 / 3) * g.width() + x * 2 / 3];
            }
        }
        return new GreyImage(w, h, px);
    }

    @ParameterizedTest
    @EnumSource(value = BnMode.class, names = {"BATCH_STATS", "RUNNING_STATS"})
    void aBatchPredictsWhatEachSliceAlonePredicts(BnMode mode) {
        net.setBnMode(mode);
        try {
            OneShotPredictor predictor = new OneShotPredictor(net, LOW);
            List<Prediction> batched = predictor.predict(manager, SLICES);
            assertEquals(SLICES.size(), batched.size());
            double worst = 0;
            for (int i = 0; i < SLICES.size(); i++) {
                Prediction one = predictor.predict(manager, SLICES.get(i));
                worst = Math.max(worst, assertSame(one, batched.get(i), mode + " slice " + i));
            }
            System.out.printf("batched vs one-slice, %s: max |difference| of probabilities, scores and boxes %.3g%n",
                    mode, worst);
        } finally {
            net.setBnMode(BnMode.BATCH_STATS);
        }
    }

    /** The batch must change the result only by rounding: a batch-statistics mix of slices would move it far. */
    @Test
    void batchStatisticsStayPerSlice() {
        OneShotPredictor predictor = new OneShotPredictor(net, LOW);
        List<Prediction> twice = predictor.predict(manager, List.of(SLICES.get(0), SLICES.get(0)));
        List<Prediction> mixed = predictor.predict(manager, List.of(SLICES.get(0), SLICES.get(1)));
        assertArrayEquals(twice.get(0).logits(), mixed.get(0).logits(), 1e-4);
    }

    @Test
    void evaluationScoresDoNotDependOnTheBatch() {
        ApProtocol protocol = new ApProtocol(6, 0.0);
        Evaluation one = Evaluator.of(net, protocol, null, 1).evaluate(manager, data, "test", (d, t) -> { });
        int[] calls = {0};
        Evaluation four = Evaluator.of(net, protocol, null, 4).evaluate(manager, data, "test",
                (d, t) -> assertEquals(++calls[0], d, "progress per image"));
        assertEquals(10, calls[0]);
        assertEquals(one.predictions(), four.predictions());
        assertTrue(one.detections().size() > 0, "the zero threshold gives detections");
        assertEquals(one.detections().size(), four.detections().size());
        for (int i = 0; i < one.detections().size(); i++) {
            CocoDetection a = one.detections().get(i);
            CocoDetection b = four.detections().get(i);
            assertEquals(a.imageId(), b.imageId());
            assertEquals(a.categoryId(), b.categoryId());
            assertEquals(a.score(), b.score(), SCORE_TOL);
        }
        assertEquals(one.paperAp().map(), four.paperAp().map(), 1e-6);
        assertEquals(one.paperAp().ap50(), four.paperAp().ap50(), 1e-6);
        assertEquals(one.coco().ap(), four.coco().ap(), 1e-6);
        assertEquals(one.classification().accuracy(), four.classification().accuracy(), 0);
    }

    /** Asserts the two predictions equal within the tolerances; returns the largest difference seen. */
    private static double assertSame(Prediction want, Prediction got, String what) {
        assertEquals(want.predicted(), got.predicted(), what);
        assertEquals(want.width(), got.width(), what);
        assertEquals(want.height(), got.height(), what);
        double worst = 0;
        for (int k = 0; k < want.probabilities().length; k++) {
            double d = Math.abs(want.probabilities()[k] - got.probabilities()[k]);
            assertTrue(d <= PROB_TOL, what + " probability " + k + " differs by " + d);
            worst = Math.max(worst, d);
        }
        assertTrue(!want.lesions().isEmpty(), what + ": the zero threshold gives lesions");
        assertEquals(want.lesions().size(), got.lesions().size(), what + " lesions");
        for (int i = 0; i < want.lesions().size(); i++) {
            Lesion a = want.lesions().get(i);
            Lesion b = got.lesions().get(i);
            assertEquals(a.label(), b.label(), what + " lesion " + i);
            double ds = Math.abs(a.score() - b.score());
            assertTrue(ds <= SCORE_TOL, what + " lesion " + i + " score differs by " + ds);
            worst = Math.max(worst, ds);
            for (int c = 0; c < 4; c++) {
                double db = Math.abs(a.box()[c] - b.box()[c]);
                assertTrue(db <= BOX_TOL, what + " lesion " + i + " box differs by " + db);
                worst = Math.max(worst, db);
            }
            assertEquals(a.mask(), b.mask(), what + " lesion " + i + " mask");
        }
        return worst;
    }
}
