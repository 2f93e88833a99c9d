package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class GreyPngTest {

    /** Decodes with the JDK's PNG reader, which must see an 8-bit grey image with exactly our pixels. */
    private static void assertRoundTrip(byte[] pixels, int w, int h) throws Exception {
        byte[] png = GreyPng.encode(pixels, w, h);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        byte[] back = new byte[w * h];
        img.getRaster().getDataElements(0, 0, w, h, back);
        assertArrayEquals(pixels, back);
        checkChunksAndZlib(png, pixels, w, h);
    }

    /** Walks the chunks checking each CRC, and inflates IDAT to the filter-0 rows (zlib checks the Adler-32). */
    private static void checkChunksAndZlib(byte[] png, byte[] pixels, int w, int h) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        byte[] idat = null;
        while (b.hasRemaining()) {
            int len = b.getInt();
            byte[] typeAndData = new byte[4 + len];
            b.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            assertEquals((int) crc.getValue(), b.getInt(), "chunk CRC");
            if (new String(typeAndData, 0, 4, "US-ASCII").equals("IDAT")) {
                idat = java.util.Arrays.copyOfRange(typeAndData, 4, typeAndData.length);
            }
        }
        Inflater inf = new Inflater();
        inf.setInput(idat);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!inf.finished()) {
            int n = inf.inflate(buf);
            assertTrue(n > 0 || inf.finished(), "inflater stalled");
            raw.write(buf, 0, n);
        }
        assertEquals(0, inf.getRemaining(), "bytes after the zlib stream");
        byte[] rows = raw.toByteArray();
        assertEquals((w + 1) * h, rows.length);
        for (int y = 0; y < h; y++) {
            assertEquals(0, rows[y * (w + 1)], "filter type of row " + y);
            for (int x = 0; x < w; x++) {
                assertEquals(pixels[y * w + x], rows[y * (w + 1) + 1 + x]);
            }
        }
    }

    @Test
    void randomImagesRoundTrip() throws Exception {
        Random r = new Random(5);
        int[][] sizes = {{1, 1}, {7, 3}, {3, 7}, {300, 2}, {256, 256}, {1, 400}};
        for (int[] s : sizes) {
            byte[] px = new byte[s[0] * s[1]];
            r.nextBytes(px);
            assertRoundTrip(px, s[0], s[1]);
        }
    }

    @Test
    void runsAndRepeatedRowsRoundTrip() throws Exception {
        int w = 97;
        int h = 61;
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // long runs, rows repeating the row above, and values on both sides of the 144 code boundary
                px[y * w + x] = (byte) ((y / 4) % 3 == 0 ? 143 + (x / 10) % 3 : (x * 7 + y / 5) % 256);
            }
        }
        assertRoundTrip(px, w, h);
    }

    @Test
    void rowsWiderThanTheDeflateWindowRoundTrip() throws Exception {
        // a row of 33000 bytes is farther back than DEFLATE can reach; the encoder must not refer to it
        int w = 33000;
        byte[] px = new byte[w * 2];
        for (int x = 0; x < w; x++) {
            px[x] = (byte) (x % 7);
            px[w + x] = (byte) (x % 7);
        }
        assertRoundTrip(px, w, 2);
    }

    @Test
    void constantImageCompresses() throws Exception {
        byte[] px = new byte[256 * 256];
        assertRoundTrip(px, 256, 256);
        // 65,792 zero bytes: one literal, then runs of 258 (13 bits each: 8-bit length code 285 + 5-bit
        // distance code), about 255 * 13 / 8 = 415 bytes plus 57 bytes of PNG framing
        assertTrue(GreyPng.encode(px, 256, 256).length < 600);
    }

    @Test
    void sameInputSameBytes() {
        byte[] px = new byte[64 * 64];
        new Random(9).nextBytes(px);
        assertArrayEquals(GreyPng.encode(px, 64, 64), GreyPng.encode(px.clone(), 64, 64));
    }

    @Test
    void rejectsWrongPixelCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GreyPng.encode(new byte[10], 3, 3));
        assertTrue(e.getMessage().contains("3x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GreyPng.encode(new byte[0], 0, 0));
    }
}
