package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * libtorch's NNPACK switch is reached (on Linux, where the workers run), is off exactly where NNPACK cannot
 * initialise once a {@link Conv} exists, and turning it off changes no convolution's result. (That libtorch then logs
 * nothing is checked on a whole {@code train} in the worker's {@code NnpackQuietTest}.)
 */
class NnpackTest {
    private static final boolean LINUX = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux");

    @Test
    void theSwitchIsOffExactlyWhereNnpackCannotInitialise() {
        new Conv(1, 1, 3, 1, 1, 1, false, new NormalInitializer());
        if (!LINUX) {
            return; // the symbols are looked up in /proc/self/maps' libtorch
        }
        assertTrue(Nnpack.reachable(), "libtorch's at::Context::setUserEnabledNNPACK and nnp_initialize are found");
        int status = Nnpack.initStatus();
        assertEquals(status != Nnpack.SUCCESS, !Nnpack.userEnabled(), "nnp_initialize " + status);
        assertTrue(Nnpack.describe().startsWith(status == Nnpack.SUCCESS ? "NNPACK: available"
                : "NNPACK: unavailable on this CPU (nnp_initialize status " + status + "), switched off"),
                Nnpack.describe());
    }

    @Test
    void aFailedInitialisationSwitchesItOffAndNoResultChanges() {
        if (!LINUX) {
            return;
        }
        boolean before = Nnpack.userEnabled();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // no gradients, batch 16, 3x3 stride 1: a convolution libtorch would hand to NNPACK where it works
            Conv conv = new Conv(4, 8, 3, 1, 1, 1, true, new NormalInitializer());
            conv.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(16, 4, 12, 12));
            NDArray x = m.randomNormal(new Shape(16, 4, 12, 12));
            Nnpack.setUserEnabled(true);
            assertTrue(Nnpack.userEnabled());
            NDArray on = conv.apply(new ParameterStore(m, false), x, false);
            Nnpack.apply(51); // nnp_status_unsupported_hardware
            assertFalse(Nnpack.userEnabled(), "switched off by libtorch's own flag");
            NDArray off = conv.apply(new ParameterStore(m, false), x, false);
            assertTrue(on.allClose(off, 1e-4, 1e-5, false), "same result without NNPACK");
            Nnpack.apply(Nnpack.SUCCESS);
            assertFalse(Nnpack.userEnabled(), "a working NNPACK leaves the switch as it is");
        } finally {
            Nnpack.setUserEnabled(before);
        }
        assertEquals(before, Nnpack.userEnabled());
    }
}
