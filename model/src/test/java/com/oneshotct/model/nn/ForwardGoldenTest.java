package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * {@code oneshot_forward.npz}: ResNeXt50 at 512x512 with the closed-formula weights and the backbone's BatchNorm on
 * batch statistics, as the reference infers; image -> FPN features, and the golden's own features -> RPN head.
 *
 * <p>Tolerance of the features. 1e-4 relative is out of reach for any float32 computation here. Measured: the same
 * network in float64 (same float32 weights, same image) differs from our float32 features by RMS 1.1e-3 and max
 * 5.8e-3, and from the golden by RMS 1.15e-3 and max 6.5e-3 (RMS of the features 0.445, max 3.72): per-image
 * BatchNorm over 50 layers amplifies rounding. Ours differs from the golden by RMS 3.1e-4 (6.9e-4 of the RMS) and
 * max 1.6e-3 (4.2e-4 of the max), closer than either is to exact arithmetic. Bounds: every element within 1e-3 of
 * max|features|, and the RMS error within 1.5e-3 of the RMS, which a broad drift would break where a max bound
 * alone might not. The RPN head is shallow: 1e-4 relative, 1e-6 absolute.
 */
class ForwardGoldenTest {
    private static final NDManager manager = GoldenNet.MANAGER;
    private static final NDList golden = GoldenNet.GOLDEN;
    private static final OneShotNet net = GoldenNet.NET;

    @Test
    void imageToFeatures() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray image = golden.get("image").toType(DataType.FLOAT32, false).expandDims(0);
            image.attach(sub);
            NDArray got = net.features(new ParameterStore(sub, false), image, false);
            NDArray want = golden.get("features");
            double max = want.abs().max().getFloat();
            Golden.assertClose(want, got, 1e-4, 1e-3 * max, "features");
            double rmsErr = Math.sqrt(want.sub(got).square().mean().getFloat());
            double rms = Math.sqrt(want.square().mean().getFloat());
            assertTrue(rmsErr < 1.5e-3 * rms, "features: RMS error " + rmsErr + " vs RMS " + rms);
        }
    }

    @Test
    void featuresToRpnHead() {
        try (NDManager sub = manager.newSubManager()) {
            NDList out = net.rpnHead(new ParameterStore(sub, false), golden.get("features"), false);
            Golden.assertClose(golden.get("rpn_objectness"), out.get(0), 1e-4, 1e-6, "rpn_objectness");
            Golden.assertClose(golden.get("rpn_deltas"), out.get(1), 1e-4, 1e-6, "rpn_deltas");
        }
    }

    /** As a DJL block: images in, (features, objectness, deltas) out, in the shapes it declares. */
    @Test
    void wholeForwardShapes() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray image = sub.randomNormal(new Shape(1, 3, 64, 96));
            NDList out = net.forward(new ParameterStore(sub, false), new NDList(image), false);
            Shape[] want = {new Shape(1, 256, 2, 3), new Shape(1, 30, 2, 3), new Shape(1, 120, 2, 3)};
            assertEquals(3, out.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(want[i], out.get(i).getShape());
                assertEquals(want[i], net.getOutputShapes(new Shape[] {image.getShape()})[i]);
            }
        }
    }
}
