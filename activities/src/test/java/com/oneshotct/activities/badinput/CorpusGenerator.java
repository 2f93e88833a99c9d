package com.oneshotct.activities.badinput;

import com.oneshotct.model.data.GreyPng;
import com.oneshotct.model.data.Manifest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the binary files of the bad-input corpus (see its README.md). It ran once; its output is committed, and the
 * tests read the committed files. To write them again (into the folder named by the property):
 * <pre>
 * ./mvnw -B -q -pl model,activities test -Dtest=CorpusGenerator -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Doneshot.corpus.out=$PWD/activities/src/test/resources/bad-input
 * </pre>
 * PNGs with a doctored header (zero or huge size), 16-bit and palette PNGs are written chunk by chunk, since ImageIO
 * writes none of them as asked; plain grey PNGs come from {@link GreyPng}, JPEGs from ImageIO.
 */
class CorpusGenerator {
    static final String OUT = "oneshot.corpus.out";
    private static final int SIDE = 16;

    @Test
    @EnabledIfSystemProperty(named = OUT, matches = ".+")
    void write() throws IOException {
        generate(Path.of(System.getProperty(OUT)));
    }

    static void generate(Path root) throws IOException {
        Path base = root.resolve(Corpus.BASE);
        byte[] trainImage = jpeg(gradient(SIDE, SIDE, 40));
        byte[] testImage = GreyPng.encode(gradient(SIDE, SIDE, 90), SIDE, SIDE);
        byte[] normal = GreyPng.encode(gradient(SIDE, SIDE, 10), SIDE, SIDE);
        byte[] covid = jpeg(gradient(SIDE, SIDE, 130));
        byte[] cp = GreyPng.encode(gradient(SIDE, SIDE, 170), SIDE, SIDE);
        write(base, "segmentation/train/imgs/p1_1.jpg", trainImage);
        write(base, "segmentation/train/masks/p1_1.png", GreyPng.encode(lungs(SIDE, SIDE, 2), SIDE, SIDE));
        write(base, "segmentation/test/imgs/p2_1.png", testImage);
        write(base, "segmentation/test/masks/p2_1.png", GreyPng.encode(lungs(SIDE, SIDE, 3), SIDE, SIDE));
        write(base, "classification/train/0_p1_1_1.png", normal);
        write(base, "classification/train/2_p2_1_7.jpg", covid);
        write(base, "classification/test/1_p3_2_4.png", cp);

        Path d = root.resolve(Corpus.DATASETS);
        write(d.resolve("truncated-png"), "classification/test/1_p3_2_4.png", Arrays.copyOf(cp, cp.length / 2));
        // cut inside the entropy-coded data, after the start-of-scan marker: the headers are whole, the pixels not
        int scan = indexOf(covid, new byte[] {(byte) 0xff, (byte) 0xda});
        write(d.resolve("truncated-jpeg"), "classification/train/2_p2_1_7.jpg",
                Arrays.copyOf(covid, (scan + covid.length) / 2));
        // samples 0x1111 * i, i = 0..15, on a 4x4 grid
        byte[] wide = new byte[4 * (1 + 4 * 2)];
        for (int i = 0; i < 16; i++) {
            int at = (i / 4) * 9 + 1 + (i % 4) * 2;
            wide[at] = (byte) (0x11 * i);
            wide[at + 1] = (byte) (0x11 * i);
        }
        write(d.resolve("sixteen-bit-slice"), "classification/train/0_p1_1_1.png", png(4, 4, 16, 0, null, wide));
        write(d.resolve("sixteen-bit-mask"), "segmentation/train/masks/p1_1.png",
                png(SIDE, SIDE, 16, 0, null, rows(lungs(SIDE, SIDE, 2), SIDE, 2)));
        // palette entry i is grey 255 - 17 i; pixel i holds index i
        byte[] greys = new byte[16 * 3];
        for (int i = 0; i < 16; i++) {
            Arrays.fill(greys, 3 * i, 3 * i + 3, (byte) (255 - 17 * i));
        }
        byte[] indices = new byte[16];
        for (int i = 0; i < 16; i++) {
            indices[i] = (byte) i;
        }
        write(d.resolve("palette-slice"), "classification/test/1_p3_2_4.png",
                png(4, 4, 8, 3, greys, rows(indices, 4, 1)));
        byte[] labelColours = {0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255};
        write(d.resolve("palette-mask"), "segmentation/test/masks/p2_1.png",
                png(SIDE, SIDE, 8, 3, labelColours, rows(lungs(SIDE, SIDE, 3), SIDE, 1)));
        write(d.resolve("zero-size"), "classification/train/0_p1_1_1.png", png(0, SIDE, 8, 0, null, new byte[SIDE]));
        write(d.resolve("empty-file"), "segmentation/test/imgs/p2_1.png", new byte[0]);
        // a header claiming a huge raster over a few bytes of pixel data: what a hostile or broken file looks like
        write(d.resolve("huge-dimensions"), "classification/test/1_p3_2_4.png",
                png(100_000, 100_000, 8, 0, null, new byte[64]));
        write(d.resolve("large-dimensions"), "segmentation/test/imgs/p2_1.png",
                png(30_000, 30_000, 8, 0, null, new byte[64]));
        byte[] seven = lungs(SIDE, SIDE, 2);
        seven[9 * SIDE + 5] = 7;
        write(d.resolve("mask-value-out-of-range"), "segmentation/train/masks/p1_1.png",
                GreyPng.encode(seven, SIDE, SIDE));
        write(d.resolve("size-mismatch"), "segmentation/test/masks/p2_1.png",
                GreyPng.encode(lungs(12, SIDE, 3), 12, SIDE));
        write(d.resolve("empty-split-folder"), "classification/val/README.txt",
                "the val slices were never copied here\n".getBytes(StandardCharsets.UTF_8));
        write(d.resolve("empty-split-list"), "segmentation/train_split_segmentation.txt",
                "# train items are chosen later\n".getBytes(StandardCharsets.UTF_8));
        write(d.resolve("duplicate-names"), "segmentation/train/imgs/p1_1.png",
                GreyPng.encode(gradient(SIDE, SIDE, 60), SIDE, SIDE));
        write(d.resolve("duplicate-list-entry"), "classification/train_split_classification.txt",
                "0_p1_1_1.png 0\n2_p2_1_7.jpg 2\n0_p1_1_1.png 0\n".getBytes(StandardCharsets.UTF_8));
        write(d.resolve("not-an-image"), "classification/train/0_p1_1_1.png",
                "slice exported as text by mistake\n".getBytes(StandardCharsets.UTF_8));

        Manifest good = Manifest.scan(base, "manifest-hash-mismatch");
        write(d.resolve("manifest-hash-mismatch"), Manifest.FILE_NAME, good.toJson());
        write(d.resolve("manifest-hash-mismatch"), "classification/train/0_p1_1_1.png",
                GreyPng.encode(gradient(SIDE, SIDE, 11), SIDE, SIDE));
        write(d.resolve("manifest-dotdot"), Manifest.FILE_NAME,
                withEntry(good, "manifest-dotdot", "segmentation/../../../../escape.png", normal));
        write(d.resolve("manifest-absolute"), Manifest.FILE_NAME,
                withEntry(good, "manifest-absolute", "/tmp/oneshot-escape.png", normal));
    }

    /** The manifest with one more entry, written by hand: {@link Manifest.Entry} refuses unsafe paths. */
    private static byte[] withEntry(Manifest m, String name, String path, byte[] content) throws IOException {
        String text = new String(new Manifest(Manifest.FORMAT, name, m.files()).toJson(), StandardCharsets.UTF_8);
        String entry = "{\"path\":\"" + path + "\",\"size\":" + content.length + ",\"sha256\":\""
                + sha256(content) + "\"}";
        return text.replace("\n]}", ",\n" + entry + "\n]}").getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] b) throws IOException {
        Path tmp = Files.createTempFile("corpus", ".bin");
        try {
            return Manifest.sha256(Files.write(tmp, b));
        } finally {
            Files.delete(tmp);
        }
    }

    private static void write(Path dir, String rel, byte[] bytes) throws IOException {
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
    }

    /** Grey levels counting up from {@code first} along the rows, so that no two images are equal. */
    static byte[] gradient(int w, int h, int first) {
        byte[] px = new byte[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (first + i);
        }
        return px;
    }

    /** A mask: lung (1) on columns 2..13, rows 3..12, with a lesion of {@code lesion} on columns 4..6, rows 5..7. */
    static byte[] lungs(int w, int h, int lesion) {
        byte[] px = new byte[w * h];
        for (int y = 3; y < Math.min(h, 13); y++) {
            for (int x = 2; x < Math.min(w, 14); x++) {
                px[y * w + x] = (byte) (x >= 4 && x < 7 && y >= 5 && y < 8 ? lesion : 1);
            }
        }
        return px;
    }

    private static int indexOf(byte[] b, byte[] part) {
        for (int i = 0; i + part.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    private static byte[] jpeg(byte[] grey) throws IOException {
        BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, SIDE, SIDE, grey);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "jpeg", out)) {
            throw new IllegalStateException("no JPEG writer");
        }
        return out.toByteArray();
    }

    /** Samples of {@code bytesPerSample} bytes (big-endian) in rows of {@code w}, each led by filter type 0. */
    private static byte[] rows(byte[] samples, int w, int bytesPerSample) {
        int h = samples.length / w;
        int stride = 1 + w * bytesPerSample;
        byte[] raw = new byte[h * stride];
        for (int i = 0; i < samples.length; i++) {
            raw[(i / w) * stride + 1 + (i % w) * bytesPerSample + bytesPerSample - 1] = samples[i];
        }
        return raw;
    }

    /** A PNG from its parts: IHDR (as given, checked by nobody), optional PLTE, the raw rows deflated, IEND. */
    static byte[] png(int w, int h, int depth, int colourType, byte[] palette, byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        if (palette != null) {
            chunk(out, "PLTE", palette);
        }
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
            d.write(raw);
        }
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
