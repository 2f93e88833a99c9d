package com.oneshotct.model.weights;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fixtures of {@code src/test/resources/torchfiles}, written by PyTorch with {@code make_fixtures.py} there,
 * and their {@code NAME.expected.npz}, saved by numpy from the same tensors.
 */
final class TorchFiles {
    private TorchFiles() {}

    static Path file(String name) {
        URL url = TorchFiles.class.getResource("/torchfiles/" + name);
        if (url == null) {
            throw new IllegalStateException("fixture torchfiles/" + name + " missing (see make_fixtures.py)");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** numpy's arrays of fixture {@code name}, by key. */
    static NDList expected(NDManager manager, String name) {
        try {
            return NDList.decode(manager, Files.readAllBytes(file(name + ".expected.npz")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
