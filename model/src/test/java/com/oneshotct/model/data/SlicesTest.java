package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlicesTest {
    @TempDir
    Path dir;

    @Test
    void greyPngRoundTripsExactly() {
        byte[] px = new byte[6 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 11);
        }
        GreyImage img = Slices.readSlice(Fixtures.greyPng(dir.resolve("a.png"), 6, 4, px));
        assertEquals(6, img.width());
        assertEquals(4, img.height());
        assertArrayEquals(px, img.pixels());
    }

    @Test
    void rgbBecomesLuminanceAsPil() {
        BufferedImage img = new BufferedImage(5, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        img.setRGB(1, 0, 0x00ff00);
        img.setRGB(2, 0, 0x0000ff);
        img.setRGB(3, 0, 0x020000);
        img.setRGB(4, 0, 0x808080);
        GreyImage g = Slices.readSlice(Fixtures.write(img, dir.resolve("rgb.png")));
        // (R*19595 + G*38470 + B*7471 + 32768) >> 16:
        // red 255*19595 = 4996725 -> 76; green 255*38470 = 9809850 -> 150; blue 255*7471 = 1905105 -> 29;
        // (2,0,0): 39190 + 32768 = 71958 -> 1 (rounded; the truncated 2*0.299 would give 0); grey 128 stays 128.
        assertArrayEquals(new int[] {76, 150, 29, 1, 128}, unsigned(g.pixels()));
    }

    @Test
    void alphaIsIgnored() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00ff0000);
        img.setRGB(1, 0, 0x80808080);
        GreyImage g = Slices.readSlice(Fixtures.write(img, dir.resolve("argb.png")));
        assertArrayEquals(new int[] {76, 128}, unsigned(g.pixels()));
    }

    @Test
    void sixteenBitGreyKeepsTheHighByte() {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0x1234);
        img.getRaster().setSample(1, 0, 0, 0xffff);
        img.getRaster().setSample(2, 0, 0, 0x00ff);
        GreyImage g = Slices.readSlice(Fixtures.write(img, dir.resolve("g16.png")));
        assertArrayEquals(new int[] {0x12, 0xff, 0x00}, unsigned(g.pixels()));
    }

    @Test
    void paletteSliceUsesItsColours() {
        IndexColorModel cm = new IndexColorModel(8, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0},
                new byte[] {0, 0});
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, cm);
        img.getRaster().setSample(1, 0, 0, 1);
        GreyImage g = Slices.readSlice(Fixtures.write(img, dir.resolve("pal.png")));
        assertArrayEquals(new int[] {0, 76}, unsigned(g.pixels()));
    }

    @Test
    void greyJpegReads() {
        GreyImage g = Slices.readSlice(Fixtures.slice(dir.resolve("a.jpg"), 32, 24));
        assertEquals(32, g.width());
        assertEquals(24, g.height());
    }

    @Test
    void maskKeepsRawValues() {
        Path m = Fixtures.mask(dir.resolve("m.png"), 5, 4, new int[] {1, 0, 0, 5, 4}, new int[] {3, 1, 1, 3, 2},
                new int[] {2, 4, 3, 5, 4});
        GreyImage g = Slices.readMask(m);
        assertEquals(1, g.get(0, 0));
        assertEquals(3, g.get(1, 1));
        assertEquals(3, g.get(2, 1));
        assertEquals(1, g.get(3, 1));
        assertEquals(2, g.get(4, 3));
    }

    @Test
    void maskValueOutsideRangeNamesValueAndPosition() {
        Path m = Fixtures.mask(dir.resolve("bad.png"), 6, 5, new int[] {1, 0, 0, 6, 5}, new int[] {7, 3, 2, 5, 4});
        DataException e = assertThrows(DataException.class, () -> Slices.readMask(m));
        assertEquals(m, e.file());
        assertContains(e, "bad.png", "mask value 7", "x=3, y=2", "outside 0..3");
    }

    @Test
    void paletteMaskIsRefused() {
        // Coloured entries, as label editors write them; a grey-ramp palette might be stored as plain grey.
        IndexColorModel cm = new IndexColorModel(8, 4, new byte[] {0, (byte) 255, 0, 0},
                new byte[] {0, 0, (byte) 255, 0}, new byte[] {0, 0, 0, (byte) 255});
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED, cm);
        Path m = Fixtures.write(img, dir.resolve("pal.png"));
        DataException e = assertThrows(DataException.class, () -> Slices.readMask(m));
        assertContains(e, "pal.png", "palette");
    }

    @Test
    void sixteenBitMaskIsRefused() {
        Path m = Fixtures.write(new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY), dir.resolve("m16.png"));
        DataException e = assertThrows(DataException.class, () -> Slices.readMask(m));
        assertContains(e, "m16.png", "16 bits");
    }

    @Test
    void colourMaskIsRefused() {
        Path m = Fixtures.write(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR), dir.resolve("rgb.png"));
        DataException e = assertThrows(DataException.class, () -> Slices.readMask(m));
        assertContains(e, "rgb.png", "3 channels");
    }

    @Test
    void truncatedPngIsDetected() {
        Path p = Fixtures.cutInHalf(Fixtures.slice(dir.resolve("cut.png"), 128, 128));
        DataException e = assertThrows(DataException.class, () -> Slices.readSlice(p));
        assertEquals(p, e.file());
        assertContains(e, "cut.png", "truncated");
    }

    @Test
    void pngCutJustBeforeIendIsDetected() throws IOException {
        // ImageIO decodes this one without complaint: the pixels are all there, only the IEND chunk is gone.
        Path p = Fixtures.slice(dir.resolve("noend.png"), 64, 64);
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 12));
        DataException e = assertThrows(DataException.class, () -> Slices.readSlice(p));
        assertContains(e, "noend.png", "truncated PNG");
    }

    @Test
    void truncatedJpegIsDetected() {
        Path p = Fixtures.cutInHalf(Fixtures.slice(dir.resolve("cut.jpg"), 128, 128));
        DataException e = assertThrows(DataException.class, () -> Slices.readSlice(p));
        assertEquals(p, e.file());
        assertContains(e, "cut.jpg", "truncated");
    }

    @Test
    void truncatedMaskIsDetected() {
        Path p = Fixtures.cutInHalf(Fixtures.mask(dir.resolve("m.png"), 64, 64, new int[] {1, 3, 3, 60, 60}));
        DataException e = assertThrows(DataException.class, () -> Slices.readMask(p));
        assertContains(e, "m.png", "truncated");
    }

    @Test
    void notAnImageIsNamed() {
        Path p = Fixtures.text(dir.resolve("fake.png"), "this is not a picture\n");
        DataException e = assertThrows(DataException.class, () -> Slices.readSlice(p));
        assertContains(e, "fake.png", "not an image");
    }

    @Test
    void emptyAndMissingFilesAreNamed() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.jpg"));
        assertContains(assertThrows(DataException.class, () -> Slices.readSlice(empty)), "empty.jpg", "empty");
        Path missing = dir.resolve("missing.png");
        assertContains(assertThrows(DataException.class, () -> Slices.readMask(missing)), "missing.png", "no such file");
    }

    static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
        }
    }
}
