package com.oneshotct.model.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Writes small test images: grey slices (PNG or JPEG by extension) and masks painted from rectangles. */
final class Fixtures {
    private Fixtures() {}

    /** A grey slice with a gradient, so that it is not constant; PNG or JPEG by the file's extension. */
    static Path slice(Path file, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 3) & 0xff);
            }
        }
        return write(img, file);
    }

    /**
     * A mask of w x h, 0 outside the rectangles; each rectangle is {value, x1, y1, x2, y2} (x2, y2 exclusive),
     * later ones painted over earlier ones.
     */
    static Path mask(Path file, int w, int h, int[]... rects) {
        return greyPng(file, w, h, paint(w, h, rects));
    }

    static byte[] paint(int w, int h, int[]... rects) {
        byte[] px = new byte[w * h];
        for (int[] r : rects) {
            for (int y = r[2]; y < r[4]; y++) {
                Arrays.fill(px, y * w + r[1], y * w + r[3], (byte) r[0]);
            }
        }
        return px;
    }

    static Path greyPng(Path file, int w, int h, byte[] px) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, w, h, px);
        return write(img, file);
    }

    static Path write(BufferedImage img, Path file) {
        String name = file.getFileName().toString();
        String format = name.endsWith(".png") ? "png" : "jpeg";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no " + format + " writer for " + img);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Keeps the first half of a file, as an interrupted copy would. */
    static Path cutInHalf(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(b, b.length / 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static Path text(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
