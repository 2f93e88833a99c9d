package com.oneshotct.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.BnMode;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.nn.OneShotNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full-size check, outside the suite: full torchvision files saved by PyTorch on this machine
 * ({@code src/test/resources/torchfiles/make_fullsize.py}, random weights, seed fixed, not committed), imported in
 * Java, and the body's C5 on the same input equal to PyTorch's. Enabled by {@code -Doneshot.torchvision.dir=DIR}.
 *
 * <p>Two BatchNorm modes: PyTorch's eval() (running statistics, as an ImageNet model is used; our
 * {@link BnMode#RUNNING_STATS}) and train() (the image's own statistics, as the reference runs its backbone; our
 * {@link BnMode#BATCH_STATS}). Bounds: max |ours - PyTorch's| within 1e-4 of max |PyTorch's|, and ours no further
 * from the float64 forward (same weights) than twice PyTorch's own float32 is. The figures are printed.
 *
 * <p>Measured (PyTorch 1.13 wrote the files; libtorch 2.7.1 here, one thread, 224 px input): resnet18 is bit-identical
 * in both modes; resnext50_32x4d differs by at most 5.2e-4 (eval) and 5.8e-4 (batch statistics), 4.2e-5 and 5.6e-5
 * of max |C5|, while ours is 7.1e-4 / 9.1e-4 from float64 and PyTorch's float32 7.6e-4 / 9.8e-4: float32 rounding of
 * two kernel libraries (grouped convolutions), not a wrong weight, which would show at the scale of the output.
 */
@EnabledIfSystemProperty(named = TorchvisionBodyTest.DIR, matches = ".+")
class TorchvisionBodyTest {
    static final String DIR = "oneshot.torchvision.dir";
    private static final double BOUND = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnext50_32x4d"})
    void bodyOutputMatchesPyTorch(String name) throws Exception {
        Path dir = Path.of(System.getProperty(DIR));
        Path pth = dir.resolve(name + ".pth");
        Assumptions.assumeTrue(Files.isRegularFile(pth), pth + " not written (make_fullsize.py)");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(1);
            OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone(BodyArch.of(name)).build());
            net.initialize(manager);
            ImportReport report = WeightImport.load(net, pth, null);
            report.lines().forEach(l -> System.out.println("  " + l));
            NDList truth = NDList.decode(manager, Files.readAllBytes(dir.resolve(name + "_c5.npz")));
            NDArray x = truth.get("input");
            for (BnMode mode : new BnMode[] {BnMode.RUNNING_STATS, BnMode.BATCH_STATS}) {
                net.setBnMode(mode);
                String tag = mode == BnMode.RUNNING_STATS ? "c5_eval" : "c5_batch";
                NDArray want = truth.get(tag);
                NDArray got = net.backbone().body().apply(new ParameterStore(manager, false), x, false);
                assertEquals(want.getShape(), got.getShape());
                float[] w = want.toFloatArray();
                float[] g = got.toFloatArray();
                double[] exact = truth.get(tag + "_f64").toDoubleArray();
                double maxRef = 0;
                for (float v : w) {
                    maxRef = Math.max(maxRef, Math.abs(v));
                }
                double maxAbs = 0;
                double maxRel = 0;
                double oursVsExact = 0;
                double torchVsExact = 0;
                int differ = 0;
                for (int i = 0; i < w.length; i++) {
                    double d = Math.abs(g[i] - w[i]);
                    differ += d > 0 ? 1 : 0;
                    maxAbs = Math.max(maxAbs, d);
                    // element-wise relative error where the element is not tiny against the output's scale
                    if (Math.abs(w[i]) > 1e-3 * maxRef) {
                        maxRel = Math.max(maxRel, d / Math.abs(w[i]));
                    }
                    oursVsExact = Math.max(oursVsExact, Math.abs(g[i] - exact[i]));
                    torchVsExact = Math.max(torchVsExact, Math.abs(w[i] - exact[i]));
                }
                System.out.printf(Locale.ROOT, "%s %s C5 %s: max |PyTorch| %.4f; ours - PyTorch: max abs %.3e"
                        + " (%.3e of max |PyTorch|), max element-wise relative %.3e (elements above 1e-3 of max),"
                        + " %d of %d elements differ; against float64: ours %.3e, PyTorch's float32 %.3e%n", name,
                        mode, want.getShape(), maxRef, maxAbs, maxAbs / maxRef, maxRel, differ, w.length, oursVsExact,
                        torchVsExact);
                assertTrue(maxAbs <= BOUND * maxRef, name + " " + mode + ": max abs error " + maxAbs + " over "
                        + BOUND + " of max |ref| " + maxRef);
                assertTrue(oursVsExact <= 2 * torchVsExact, name + " " + mode + ": " + oursVsExact + " from float64,"
                        + " PyTorch's float32 " + torchVsExact);
            }
        }
    }
}
