package com.oneshotct.model.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The golden vectors of torchvision's operators ({@code ../shared/golden/torchvision}, or the folder named by the
 * system property {@code oneshot.golden.dir}), and the comparisons every golden test uses.
 */
public final class Golden {
    public static final String DIR_PROPERTY = "oneshot.golden.dir";

    private Golden() {}

    public static Path dir() {
        return Path.of(System.getProperty(DIR_PROPERTY, "../shared/golden/torchvision"));
    }

    /** Every array of {@code <dir>/<file>}, by name, attached to {@code manager}. */
    public static NDList load(NDManager manager, String file) {
        Path path = dir().resolve(file);
        try {
            return NDList.decode(manager, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException("golden file " + path + " unreadable", e);
        }
    }

    /**
     * Asserts |actual - expected| <= atol + rtol * |expected| element-wise (numpy's allclose), shapes equal,
     * reporting the worst element.
     */
    public static void assertClose(NDArray expected, NDArray actual, double rtol, double atol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
            if (Double.isNaN(a[i]) || excess > worstExcess) {
                worstExcess = Double.isNaN(a[i]) ? Double.POSITIVE_INFINITY : excess;
                worst = i;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d is %s, expected %s (rtol %g, atol %g)", what, worst, a[worst], e[worst],
                    rtol, atol));
        }
    }

    /** Asserts two integer arrays (indices, labels) are identical. */
    public static void assertSameLongs(NDArray expected, NDArray actual, String what) {
        assertArrayEquals(expected.toType(DataType.INT64, false).toLongArray(),
                actual.toType(DataType.INT64, false).toLongArray(), what);
    }
}
