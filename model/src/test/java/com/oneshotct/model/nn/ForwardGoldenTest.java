package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.oneshotct.model.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code oneshot_forward.npz}: ResNeXt50 at 512x512 with the closed-formula weights and the backbone's BatchNorm on
 * batch statistics, as the reference infers; image -> FPN features, and the golden's own features -> RPN head.
 *
 * <p><b>Tolerance of the features</b> (account, figures and procedure: {@code docs/golden-tolerance.md}). This
 * network with formula weights and per-image BatchNorm amplifies any relative perturbation 1.4 to 2.2 times per
 * bottleneck block, about 10^4 from the stem to the features, so float32 rounding ends at an RMS of 2e-3 to 4e-3 of
 * the features' RMS, an amount that varies by a factor 2 between inputs. No fixed bound is then both safe and tight,
 * so the bound is measured on the input itself: the test also runs the backbone in float64 ({@link
 * GoldenNet#backbone}: the float32 weights widened exactly), and with {@code e_o = ours - ours64},
 * {@code e_g = golden - ours64} requires
 * <ul>
 *   <li>the golden to be within float32 rounding of our exact result: rms(e_g) <= R rms(e_o) and
 *       max|e_g| <= M max|e_o|. This is what fails on a real difference (BatchNorm eps, variance estimator, a
 *       bias): such a difference is in ours64 but not in the golden;</li>
 *   <li>our float32 path to be no sloppier than PyTorch's float32: rms(e_o) <= R rms(e_g), max|e_o| <= M max|e_g|;
 *   </li>
 *   <li>and, by the triangle inequality from those, ours within (1 + R) rms(e_o) of the golden in RMS and within
 *       (1 + M) max|e_o| in every element.</li>
 * </ul>
 * R and M bound the ratio of the rounding errors of two float32 evaluations of the network. Over salts 0..24 of
 * {@code forward_golden.py} (PyTorch 1.13) against ours (libtorch 2.7.1): rms(e_g)/rms(e_o) 0.936 to 1.067, its
 * logarithm of mean 0.012 and standard deviation 0.035; max|e_g|/max|e_o| 0.805 to 1.165, mean 0.015 and deviation
 * 0.081. R = 1.25 and M = 1.65 are exp(mean + 6 deviations), rounded up to 0.05; exp(mean - 6 deviations) is above
 * 1/R and 1/M. Ours64 stands for exact arithmetic: it matches PyTorch's float64 to 1.5e-8 (6e-12 with eps rounded
 * to float32, as DJL passes it). Salts 5 and 15, which broke the former fixed bound (1e-3 of max|features|) by 1.22x
 * and 1.29x, are at 0.80 and 0.81 of R here. Injected faults fail: the unbiased variance in every BatchNorm gives
 * rms(e_g) = 2.7 to 3.6 rms(e_o) on salts 0..12; eps 1.2e-5 instead of 1e-5 gives 12 rms(e_o) on salt 0.
 *
 * <p>The RPN head is shallow: 1e-4 relative, 1e-6 absolute.
 *
 * <p>Opt-in, {@code -Doneshot.golden.salts=DIR}: the same checks on every {@code DIR/*.npz} and
 * {@code DIR/<sub>/oneshot_forward.npz} made by {@code forward_golden.py OUT.npz SALT}, one line of figures each.
 */
class ForwardGoldenTest {
    /** Folder of goldens of other salts for {@link #imageToFeaturesOverManySalts}; unset: that test is skipped. */
    static final String SALTS_PROPERTY = "oneshot.golden.salts";
    /** Bound on the ratio of the RMS rounding errors of two float32 evaluations (see the class comment). */
    static final double R = 1.25;
    /** Bound on the ratio of the largest rounding errors of two float32 evaluations (see the class comment). */
    static final double M = 1.65;

    private static final NDManager manager = GoldenNet.MANAGER;
    private static final NDList golden = GoldenNet.GOLDEN;
    private static final OneShotNet net = GoldenNet.NET;

    @Test
    void imageToFeatures() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray image = golden.get("image").toType(DataType.FLOAT32, false).expandDims(0);
            image.attach(sub);
            NDArray got = net.features(new ParameterStore(sub, false), image, false);
            NDArray exact = float64Features(sub, image, golden.get("salt").toLongArray()[0]);
            Rounding r = Rounding.of(got, exact, golden.get("features"));
            System.out.println("features: " + r);
            r.check("features");
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

    /** As {@link #imageToFeatures} on every golden in the folder {@code -Doneshot.golden.salts}; skipped without. */
    @Test
    void imageToFeaturesOverManySalts() throws IOException {
        String dir = System.getProperty(SALTS_PROPERTY);
        assumeTrue(dir != null, "set -D" + SALTS_PROPERTY + "=DIR to check the goldens of several salts");
        List<Path> files = goldenFiles(Path.of(dir));
        assertTrue(!files.isEmpty(), "no golden in " + dir);
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                NDList g = NDList.decode(m, Files.readAllBytes(file));
                long salt = g.get("salt").toLongArray()[0];
                NDArray image = g.get("image").toType(DataType.FLOAT32, false).expandDims(0);
                NDArray got = GoldenNet.backbone(m, DataType.FLOAT32, salt)
                        .apply(new ParameterStore(m, false), image, false);
                Rounding r = Rounding.of(got, float64Features(m, image, salt), g.get("features"));
                System.out.println("salt " + salt + ": " + r);
                try {
                    r.check("salt " + salt);
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + files.size() + " goldens fail:\n"
                + String.join("\n", failures));
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

    /** The features of {@code image} by the float64 twin of the backbone with the formula weights of {@code salt}. */
    private static NDArray float64Features(NDManager m, NDArray image, long salt) {
        try (NDManager weights = m.newSubManager()) {
            NDArray out = GoldenNet.backbone(weights, DataType.FLOAT64, salt)
                    .apply(new ParameterStore(weights, false), image.toType(DataType.FLOAT64, false), false);
            out.attach(m);
            return out;
        }
    }

    private static List<Path> goldenFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".npz")) {
                    out.add(p);
                } else if (Files.isRegularFile(p.resolve("oneshot_forward.npz"))) {
                    out.add(p.resolve("oneshot_forward.npz"));
                }
            }
        }
        return out;
    }

    /**
     * Rounding figures of one input, in float64: the RMS of the features, our float32 error e_o = ours - ours64,
     * the golden's e_g = golden - ours64 (RMS and max of each), and ours - golden.
     */
    record Rounding(double rms, double oursRms, double oursMax, double goldenRms, double goldenMax, double diffRms,
            double diffMax) {

        static Rounding of(NDArray ours, NDArray exact, NDArray golden) {
            assertEquals(golden.getShape(), ours.getShape(), "features: shape");
            assertEquals(golden.getShape(), exact.getShape(), "float64 features: shape");
            NDArray o = ours.toType(DataType.FLOAT64, false);
            NDArray g = golden.toType(DataType.FLOAT64, false);
            NDArray eo = o.sub(exact);
            NDArray eg = g.sub(exact);
            NDArray d = o.sub(g);
            return new Rounding(rms(g), rms(eo), max(eo), rms(eg), max(eg), rms(d), max(d));
        }

        private static double rms(NDArray a) {
            return Math.sqrt(a.square().mean().getDouble());
        }

        private static double max(NDArray a) {
            return a.abs().max().getDouble();
        }

        /** The checks of the class comment. */
        void check(String what) {
            assertTrue(goldenRms <= R * oursRms && goldenMax <= M * oursMax,
                    what + ": the golden is farther from our float64 result than float32 rounding explains: " + this);
            assertTrue(oursRms <= R * goldenRms && oursMax <= M * goldenMax,
                    what + ": our float32 result is farther from our float64 one than PyTorch's float32 is: " + this);
            assertTrue(diffRms <= (1 + R) * oursRms && diffMax <= (1 + M) * oursMax,
                    what + ": ours and the golden differ by more than two float32 rounding errors: " + this);
        }

        @Override
        public String toString() {
            return String.format("features RMS %.4f; ours-ours64 RMS %.3e max %.3e; golden-ours64 RMS %.3e (%.3f of R) "
                    + "max %.3e (%.3f of M); ours-golden RMS %.3e (%.3f of its bound) max %.3e (%.3f of its bound)",
                    rms, oursRms, oursMax, goldenRms, goldenRms / oursRms / R, goldenMax, goldenMax / oursMax / M,
                    diffRms, diffRms / ((1 + R) * oursRms), diffMax, diffMax / ((1 + M) * oursMax));
        }
    }
}
