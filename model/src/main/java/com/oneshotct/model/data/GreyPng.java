package com.oneshotct.model.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * A self-contained encoder of 8-bit greyscale PNG files whose bytes depend only on the pixels: no timestamp or
 * other metadata, and its own DEFLATE coder (fixed Huffman codes, run matches at distance 1 and one row back)
 * instead of the platform's zlib, whose output may differ between builds. Runs of equal values (masks, air) shrink
 * a lot; noisy image content is stored at about one byte a pixel.
 */
public final class GreyPng {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
        67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
        5, 5, 5, 5, 0};
    private static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
        769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    private static final int[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
        11, 11, 12, 12, 13, 13};
    private static final int MAX_MATCH = 258;

    private GreyPng() {
    }

    /** Writes the pixels (row-major, one byte each, width * height of them) as a PNG file. */
    public static void write(Path file, byte[] pixels, int width, int height) throws IOException {
        Files.write(file, encode(pixels, width, height));
    }

    public static byte[] encode(byte[] pixels, int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height != pixels.length) {
            throw new IllegalArgumentException(
                    "PNG of " + width + "x" + height + " needs that many pixels, got " + pixels.length);
        }
        int stride = width + 1;
        byte[] raw = new byte[stride * height];
        for (int y = 0; y < height; y++) {
            // filter type 0 (None) leads each row
            System.arraycopy(pixels, y * width, raw, y * stride + 1, width);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
        out.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = 0; // colour type: greyscale
        chunk(out, "IHDR", header);
        chunk(out, "IDAT", zlib(raw, stride));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] zlib(byte[] raw, int stride) {
        Bits bits = new Bits(raw.length / 2 + 64);
        bits.out.write(0x78); // deflate, 32 KiB window
        bits.out.write(0x01); // no preset dictionary, fastest; 0x7801 is divisible by 31
        bits.put(1, 1); // final block
        bits.put(1, 2); // fixed Huffman codes
        int i = 0;
        while (i < raw.length) {
            int best = run(raw, i, 1);
            int dist = 1;
            int up = run(raw, i, stride);
            if (up > best) {
                best = up;
                dist = stride;
            }
            if (best >= 3) {
                match(bits, best, dist);
                i += best;
            } else {
                literal(bits, raw[i] & 0xFF);
                i++;
            }
        }
        literal(bits, 256); // end of block
        bits.flush();
        Adler32 adler = new Adler32();
        adler.update(raw);
        long a = adler.getValue();
        bits.out.write((int) (a >>> 24));
        bits.out.write((int) (a >>> 16));
        bits.out.write((int) (a >>> 8));
        bits.out.write((int) a);
        return bits.out.toByteArray();
    }

    /** How many bytes from {@code i} on repeat those {@code d} bytes back (0 if none, at most MAX_MATCH). */
    private static int run(byte[] raw, int i, int d) {
        if (d > i || d > 32768) { // DEFLATE distances reach 32 KiB back
            return 0;
        }
        int len = 0;
        int limit = Math.min(MAX_MATCH, raw.length - i);
        while (len < limit && raw[i + len] == raw[i + len - d]) {
            len++;
        }
        return len;
    }

    /** A literal/length symbol with the fixed code of RFC 1951 section 3.2.6. */
    private static void literal(Bits bits, int symbol) {
        if (symbol < 144) {
            bits.code(0x30 + symbol, 8);
        } else if (symbol < 256) {
            bits.code(0x190 + symbol - 144, 9);
        } else if (symbol < 280) {
            bits.code(symbol - 256, 7);
        } else {
            bits.code(0xC0 + symbol - 280, 8);
        }
    }

    private static void match(Bits bits, int length, int dist) {
        int li = LENGTH_BASE.length - 1;
        while (LENGTH_BASE[li] > length) {
            li--;
        }
        literal(bits, 257 + li);
        bits.put(length - LENGTH_BASE[li], LENGTH_EXTRA[li]);
        int di = DIST_BASE.length - 1;
        while (DIST_BASE[di] > dist) {
            di--;
        }
        bits.code(di, 5);
        bits.put(dist - DIST_BASE[di], DIST_EXTRA[di]);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.writeBytes(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** DEFLATE's bit order: values least significant bit first, Huffman codes most significant bit first. */
    private static final class Bits {
        final ByteArrayOutputStream out;
        private long acc;
        private int count;

        Bits(int capacity) {
            out = new ByteArrayOutputStream(capacity);
        }

        void put(int value, int n) {
            acc |= ((long) value & ((1L << n) - 1)) << count;
            count += n;
            while (count >= 8) {
                out.write((int) (acc & 0xFF));
                acc >>>= 8;
                count -= 8;
            }
        }

        void code(int code, int n) {
            put(Integer.reverse(code) >>> (32 - n), n);
        }

        void flush() {
            if (count > 0) {
                out.write((int) (acc & 0xFF));
                acc = 0;
                count = 0;
            }
        }
    }
}
