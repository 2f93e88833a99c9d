package com.oneshotct.model.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.Preprocess;
import com.oneshotct.model.data.SegmentationReader;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.metrics.BinaryMask;
import com.oneshotct.model.nn.Detections;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.SegmentationInference;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneShotPredictorTest {
    private static final int SIZE = 64;
    // an untrained model scores everything near 1/4: a low threshold gives it detections to check
    private static final Detections LOW = new Detections(0.0, 0.5, 6, 0.01f);
    private static NDManager manager;
    private static OneShotNet net;
    private static GreyImage slice;

    @BeforeAll
    static void setUp(@TempDir Path dir) {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(4).withSize(SIZE).withCounts(2, 1, 1, 1))
                .write(dir, line -> { });
        slice = SegmentationReader.read(dir.resolve("segmentation")).get(0).load().image();
        manager = NDManager.newBaseManager("PyTorch");
        Engine.getInstance().setRandomSeed(11);
        net = new OneShotNet(ModelConfig.builder().optBackbone("resnet18").optImageSize(SIZE).build());
        net.initialize(manager);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** An AP protocol's cap and threshold are the predictor's: the cap binds, the threshold filters. */
    @Test
    void apProtocolSetsTheCapAndThreshold() {
        int uncapped = new OneShotPredictor(net, new ApProtocol(128, 0.0).detections(net.config()))
                .predict(manager, slice).lesions().size();
        assertTrue(uncapped > 4, "an untrained model at threshold 0 gives more than 4 detections: " + uncapped);
        assertEquals(4, new OneShotPredictor(net, new ApProtocol(4, 0.0).detections(net.config()))
                .predict(manager, slice).lesions().size());
        List<Lesion> above = new OneShotPredictor(net, new ApProtocol(128, 0.26).detections(net.config()))
                .predict(manager, slice).lesions();
        assertTrue(above.size() < uncapped, above.size() + " of " + uncapped);
        for (Lesion l : above) {
            assertTrue(l.score() > 0.26, "score " + l.score());
        }
    }

    /** At the model's own size the lesions are the segmentation inference's detections, masks thresholded. */
    @Test
    void lesionsAreTheSegmentationDetections() {
        Prediction p = new OneShotPredictor(net, LOW).predict(manager, slice);
        try (NDManager sub = manager.newSubManager()) {
            NDList det = new SegmentationInference(net, LOW).apply(new ParameterStore(sub, false),
                    new Preprocess(SIZE, SIZE).apply(sub, slice).expandDims(0));
            float[] boxes = det.get(0).toFloatArray();
            float[] scores = det.get(1).toFloatArray();
            long[] labels = det.get(2).toLongArray();
            float[] masks = det.get(3).toFloatArray();
            assertTrue(labels.length > 0, "the low threshold gives detections");
            assertEquals(labels.length, p.lesions().size());
            for (int i = 0; i < labels.length; i++) {
                Lesion l = p.lesions().get(i);
                assertEquals(labels[i], l.label().value);
                assertEquals(scores[i], l.score(), 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4), l.box(), 0);
                float[] one = java.util.Arrays.copyOfRange(masks, i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
                assertEquals(BinaryMask.threshold(SIZE, SIZE, one), l.mask());
            }
        }
        assertEquals(1.0, java.util.Arrays.stream(p.probabilities()).sum(), 1e-9);
        double[] lg = p.logits();
        int best = OneShotPredictor.argmax(lg);
        assertEquals(best, p.predicted().index);
        // softmax by hand: p_i = e^(l_i) / sum e^(l_j)
        double z = Math.exp(lg[0]) + Math.exp(lg[1]) + Math.exp(lg[2]);
        assertEquals(Math.exp(lg[1]) / z, p.probabilities()[1], 1e-9);
    }

    /**
     * A slice with every pixel doubled resizes (bilinear, align_corners=False: output pixel x samples source
     * 2x + 0.5, between two equal pixels) back to exactly the original, so the logits are the same, the boxes are
     * exactly twice as large and each mask covers about four times the area at the original's shape.
     */
    @Test
    void aLargerSliceMapsBoxesAndMasksBack() {
        byte[] big = new byte[4 * SIZE * SIZE];
        for (int y = 0; y < 2 * SIZE; y++) {
            for (int x = 0; x < 2 * SIZE; x++) {
                big[y * 2 * SIZE + x] = slice.pixels()[(y / 2) * SIZE + x / 2];
            }
        }
        OneShotPredictor predictor = new OneShotPredictor(net, LOW);
        // untrained mask logits hover near 0 (probability 0.5), so thresholded masks would be noise: lift the mask
        // logits' bias so that each mask is its whole box, a shape whose mapping back can be checked
        ai.djl.ndarray.NDArray bias = com.oneshotct.model.nn.StateDict.entries(net).stream()
                .filter(e -> e.key().equals("roi_heads.mask_predictor.mask_fcn_logits.bias")).findFirst()
                .orElseThrow().parameter().getArray();
        bias.addi(20);
        Prediction small;
        Prediction large;
        try {
            small = predictor.predict(manager, slice);
            large = predictor.predict(manager, new GreyImage(2 * SIZE, 2 * SIZE, big));
        } finally {
            bias.subi(20);
        }
        assertArrayEquals(small.logits(), large.logits(), 0);
        assertEquals(2 * SIZE, large.width());
        assertEquals(small.lesions().size(), large.lesions().size());
        for (int i = 0; i < small.lesions().size(); i++) {
            Lesion s = small.lesions().get(i);
            Lesion l = large.lesions().get(i);
            float[] sb = s.box();
            float[] lb = l.box();
            for (int j = 0; j < 4; j++) {
                assertEquals(2 * sb[j], lb[j], 1e-4, "box coordinate " + j);
            }
            assertEquals(2 * SIZE, l.mask().width());
            BinaryMask doubled = BinaryMask.of(2 * SIZE, 2 * SIZE, (y, x) -> s.mask().get(y / 2, x / 2));
            assertTrue(s.mask().area() > 0);
            // pasting rounds each box edge to whole pixels at its own resolution: a few-pixel box loses or gains a
            // row at one size and not at the other, so the masks agree on the region, not to the pixel
            assertTrue(doubled.iou(l.mask()) > 0.6, "IoU with the pixel-doubled small mask " + doubled.iou(l.mask()));
            for (int y = 0; y < 2 * SIZE; y++) {
                for (int x = 0; x < 2 * SIZE; x++) {
                    if (l.mask().get(y, x)) {
                        assertTrue(x >= lb[0] - 2 && x <= lb[2] + 2 && y >= lb[1] - 2 && y <= lb[3] + 2,
                                "mask pixel (" + x + ", " + y + ") inside its box " + java.util.Arrays.toString(lb));
                    }
                }
            }
        }
    }

    /** Hand-computed: grey 100 under a GGO (255, 210, 0) at alpha 0.5 is (177, 155, 50), a lung pixel 0.25. */
    @Test
    void overlayBlendsMaskColoursAndEnlargesSmallSlices(@TempDir Path dir) throws Exception {
        int n = 32;
        byte[] px = new byte[n * n];
        java.util.Arrays.fill(px, (byte) 100);
        GreyImage flat = new GreyImage(n, n, px);
        BinaryMask ggo = BinaryMask.of(n, n, (y, x) -> x >= 4 && x < 10 && y >= 4 && y < 10);
        BinaryMask lung = BinaryMask.of(n, n, (y, x) -> x >= 20);
        Path png = dir.resolve("out/overlay.png");
        Overlay.write(Overlay.render(flat, List.of(
                new Overlay.Layer(com.oneshotct.model.data.MaskLabel.GGO, ggo, null, null),
                new Overlay.Layer(com.oneshotct.model.data.MaskLabel.LUNG, lung, null, null)), "caption"), png);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        int scale = 12; // ceil(384 / 32)
        assertEquals(n * scale, img.getWidth());
        assertEquals(n * scale + 22, img.getHeight());
        assertEquals(new java.awt.Color(177, 155, 50).getRGB(), img.getRGB(6 * scale, 6 * scale + 22));
        // lung (40, 120, 255) at 0.25: 0.75 * 100 + 0.25 * c = (85, 105, 138.75 -> 138)
        assertEquals(new java.awt.Color(85, 105, 138).getRGB(), img.getRGB(25 * scale, 6 * scale + 22));
        assertEquals(new java.awt.Color(100, 100, 100).getRGB(), img.getRGB(15 * scale, 15 * scale + 22));
    }

    @Test
    void captionsNameTheClasses() {
        assertEquals(List.of("Normal", "CP", "COVID-19"),
                List.of(Overlay.className(0), Overlay.className(1), Overlay.className(2)));
    }
}
