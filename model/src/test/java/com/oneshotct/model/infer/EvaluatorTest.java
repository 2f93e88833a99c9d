package com.oneshotct.model.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.data.InstanceMask;
import com.oneshotct.model.data.MaskLabel;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.metrics.BinaryMask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator's bookkeeping, with predictors whose answers are known: the truth itself, or always "Normal". */
class EvaluatorTest {
    private static CtDataset data;
    private static final Map<String, Prediction> TRUTH = new HashMap<>();

    @BeforeAll
    static void setUp(@TempDir Path dir) {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(8).withSize(64).withCounts(3, 3, 6, 6))
                .write(dir, line -> { });
        data = CtDataset.open(dir);
        for (ClassificationItem c : data.classification()) {
            GreyImage im = c.load();
            double[] logits = new double[3];
            logits[c.label().index] = 5;
            TRUTH.put(key(im), new Prediction(c.label(), OneShotPredictor.softmax(logits), logits, List.of(),
                    im.width(), im.height()));
        }
        for (SegmentationItem s : data.segmentation()) {
            SegmentationSample sample = s.load();
            List<Lesion> lesions = new ArrayList<>();
            for (InstanceMask m : sample.instances()) {
                int[] b = m.instance().box().toArray();
                lesions.add(new Lesion(MaskLabel.of(m.instance().label()), 1.0,
                        new float[] {b[0], b[1], b[2], b[3]},
                        BinaryMask.of(m.height(), m.width(), (y, x) -> m.contains(x, y))));
            }
            TRUTH.put(key(sample.image()), new Prediction(ImageClass.NORMAL, new double[] {1, 0, 0},
                    new double[] {1, 0, 0}, lesions, 64, 64));
        }
    }

    private static String key(GreyImage im) {
        return java.util.Arrays.toString(im.pixels());
    }

    @Test
    void theTruthScoresOneEverywhere() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            int[] calls = {0};
            Evaluation e = new Evaluator((mg, im) -> TRUTH.get(key(im)), ApProtocol.AUTHORS, null)
                    .evaluate(m, data, "test", (done, total) -> calls[0] = done);
            long clsTest = data.classification().stream().filter(i -> i.split().equals("test")).count();
            long segTest = data.segmentation().stream().filter(i -> i.split().equals("test")).count();
            assertEquals(clsTest + segTest, calls[0], "progress reached every image");
            assertEquals(1.0, e.classification().accuracy(), 0);
            assertEquals(clsTest, e.predictions().size());
            assertEquals(1.0, e.paperAp().ap50(), 0);
            assertEquals(1.0, e.paperAp().map(), 0);
            assertEquals(1.0, e.coco().ap(), 1e-12);
            assertEquals(e.groundTruth().annotations().size(), e.detections().size());
            assertEquals(segTest, e.imageNames().size());
        }
    }

    /** Always "Normal": accuracy = the Normal share of the test split; only Normal has a non-zero sensitivity. */
    @Test
    void alwaysNormalScoresTheNormalShare() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Evaluation e = new Evaluator((mg, im) -> new Prediction(ImageClass.NORMAL, new double[] {1, 0, 0},
                    new double[] {1, 0, 0}, List.of(), im.width(), im.height()), ApProtocol.AUTHORS, Set.of(2, 3))
                    .evaluate(m, data, "test", (d, t) -> { });
            List<ClassificationItem> test = data.classification().stream().filter(i -> i.split().equals("test"))
                    .toList();
            long normals = test.stream().filter(i -> i.label() == ImageClass.NORMAL).count();
            assertTrue(normals > 0 && normals < test.size());
            assertEquals((double) normals / test.size(), e.classification().accuracy(), 1e-12);
            assertEquals(1.0, e.classification().sensitivity(0), 0);
            assertEquals(0.0, e.classification().sensitivity(2), 0);
            assertEquals(List.of(2, 3), e.apLabels());
            assertTrue(e.detections().isEmpty());
            // no predictions: images with GGO/consolidation truth score 0, images with neither score 1
            long clean = data.segmentation().stream().filter(i -> i.split().equals("test"))
                    .filter(i -> i.instances().stream().noneMatch(x -> x.label() >= 2)).count();
            long seg = data.segmentation().stream().filter(i -> i.split().equals("test")).count();
            assertEquals((double) clean / seg, e.paperAp().ap50(), 1e-12);
        }
    }

    @Test
    void anEmptySplitIsNamed() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> new Evaluator((mg, im) -> null, ApProtocol.AUTHORS, null).evaluate(m, data, "nosuch", (d, t) -> { }));
            assertTrue(ex.getMessage().contains("'nosuch'"), ex.getMessage());
        }
    }
}
