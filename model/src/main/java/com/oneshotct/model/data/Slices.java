package com.oneshotct.model.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads CT slices and segmentation masks (PNG or JPEG) into {@link GreyImage}s, failing with a
 * {@link DataException} that names the file for anything unreadable, truncated or of the wrong kind.
 *
 * <p>Slices become 8-bit grey, as PIL's {@code convert('L')} would give them:
 * <ul>
 *   <li>grey 8-bit (with or without alpha): the grey values as they are (alpha ignored);</li>
 *   <li>grey 16-bit: the high byte ({@code v >> 8}), i.e. 0..65535 rescaled to 0..255 by truncation; PIL would clip
 *       instead, which flattens any 16-bit CT export to white, so we rescale;</li>
 *   <li>anything else (RGB, ARGB, palette, 1/2/4-bit grey): the sRGB colour of each pixel, alpha ignored, to
 *       luminance with PIL's own fixed-point formula {@code (R*19595 + G*38470 + B*7471 + 0x8000) >> 16}, which is
 *       ITU-R 601-2 {@code R*299/1000 + G*587/1000 + B*114/1000} rounded to nearest; a grey palette keeps its
 *       values exactly.</li>
 * </ul>
 * Masks are stricter: their values are labels, so only a single-channel 8-bit grey image is accepted and its raw
 * samples are returned; a palette, 16-bit or colour mask is refused rather than guessed at, and every value must be
 * 0..3 ({@link MaskLabel}).
 *
 * <p>Truncation: ImageIO's JPEG reader fills a cut-off file with grey and only warns, so any decoder warning is an
 * error; its PNG reader may throw or return what it decoded, so a PNG must also end with its IEND chunk.
 *
 * <p>Size: the width and height are taken from the header before anything is decoded. A zero side is refused (ImageIO
 * would only say "I/O error reading PNG header"), and so is a side above {@link #MAX_SIDE}: ImageIO allocates the
 * whole raster before it reads a pixel, so a few bytes claiming 30000x30000 would cost 900 MB first.
 */
public final class Slices {
    /** The largest width or height read: a CT slice is about 512 px, sixteen times that is no slice. */
    public static final int MAX_SIDE = 8192;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] IHDR = {'I', 'H', 'D', 'R'};
    /** The IEND chunk: zero length, type, CRC. */
    private static final byte[] IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};
    private static final int TAIL_SEARCH = 1024;

    private Slices() {}

    /** Reads a slice as 8-bit grey (see the class comment for the conversions). */
    public static GreyImage readSlice(Path file) {
        BufferedImage img = decode(file);
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        byte[] grey = new byte[w * h];
        if (isComponentGrey(cm)) {
            int bits = cm.getComponentSize(0);
            int shift = switch (bits) {
                case 8 -> 0;
                case 16 -> 8;
                default -> throw new DataException(file, "unsupported grey depth: " + bits + " bits per sample");
            };
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    grey[y * w + x] = (byte) (row[x] >>> shift);
                }
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                int p = argb[i];
                int r = (p >>> 16) & 0xff;
                int g = (p >>> 8) & 0xff;
                int b = p & 0xff;
                grey[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16);
            }
        }
        return new GreyImage(w, h, grey);
    }

    /** Reads a mask as its raw 8-bit values, each checked to be a {@link MaskLabel} value 0..3. */
    public static GreyImage readMask(Path file) {
        BufferedImage img = decode(file);
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm instanceof IndexColorModel) {
            throw new DataException(file, "mask is a palette (indexed colour) image; masks must be 8-bit"
                    + " single-channel grey so that each value is the label itself");
        }
        if (raster.getNumBands() != 1) {
            throw new DataException(file, "mask has " + raster.getNumBands() + " channels; masks must be 8-bit"
                    + " single-channel grey");
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bits != 8 || raster.getTransferType() != DataBuffer.TYPE_BYTE) {
            throw new DataException(file, "mask has " + bits + " bits per sample; masks must be 8-bit"
                    + " single-channel grey");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] values = (byte[]) raster.getDataElements(0, 0, w, h, null);
        for (int i = 0; i < values.length; i++) {
            int v = values[i] & 0xff;
            if (v > MaskLabel.CONSOLIDATION.value) {
                throw new DataException(file, "mask value " + v + " at x=" + (i % w) + ", y=" + (i / w)
                        + " is outside 0..3 (0 background, 1 lung, 2 GGO, 3 consolidation)");
            }
        }
        return new GreyImage(w, h, values);
    }

    private static boolean isComponentGrey(ColorModel cm) {
        return cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /** Decodes the first image of a file, refusing anything the decoder had to guess at. */
    static BufferedImage decode(Path file) {
        if (!Files.isRegularFile(file)) {
            ImageFiles.checkLink(file);
            throw new DataException(file, Files.isDirectory(file) ? "a folder, not an image file" : "no such file");
        }
        ImageReader reader = null;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null || in.length() == 0) {
                throw new DataException(file, "not an image: the file is empty or cannot be opened");
            }
            boolean png = checkPngHeader(file);
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataException(file, "not an image: unknown format (PNG or JPEG expected)");
            }
            reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            reader.setInput(in, true, true);
            if (!png) {
                checkSize(file, reader.getWidth(0), reader.getHeight(0));
            }
            BufferedImage img = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new DataException(file, "damaged image (truncated or corrupt): " + warnings.get(0));
            }
            checkPngEnd(file);
            return img;
        } catch (DataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Broken streams surface as IIOException, EOFException or, from the JPEG codec, runtime exceptions.
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new DataException(file, "unreadable image (truncated or corrupt): " + why, e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /**
     * Checks a PNG's size from its IHDR chunk, which must come first; false if the file is no PNG. A file too short
     * to hold the chunk is left to the decoder, which calls it truncated.
     */
    private static boolean checkPngHeader(Path file) throws IOException {
        byte[] head;
        long size;
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            size = ch.size();
            head = readAt(ch, 0, 24);
        }
        if (!Arrays.equals(head, 0, PNG_MAGIC.length, PNG_MAGIC, 0, PNG_MAGIC.length)) {
            return false;
        }
        if (size < head.length) {
            return true;
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        if (!Arrays.equals(head, 12, 16, IHDR, 0, IHDR.length)) {
            throw new DataException(file, "not a valid PNG: the first chunk is not IHDR");
        }
        checkSize(file, Integer.toUnsignedLong(b.getInt(16)), Integer.toUnsignedLong(b.getInt(20)));
        return true;
    }

    private static void checkSize(Path file, long w, long h) {
        if (w <= 0 || h <= 0) {
            throw new DataException(file, "zero-size image: its header says " + w + "x" + h + " pixels");
        }
        if (w > MAX_SIDE || h > MAX_SIDE) {
            throw new DataException(file, "image too large: its header says " + w + "x" + h + " pixels, at most "
                    + MAX_SIDE + " a side is read (a CT slice is about 512x512); refused before decoding");
        }
    }

    /** A PNG whose IEND chunk is missing was cut short, whatever the decoder made of it. */
    private static void checkPngEnd(Path file) throws IOException {
        long size = Files.size(file);
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            byte[] head = readAt(ch, 0, PNG_MAGIC.length);
            if (!Arrays.equals(head, PNG_MAGIC)) {
                return;
            }
            // Tolerate a few bytes some writers append after IEND: look for it near the end, not at the very end.
            int n = (int) Math.min(size, TAIL_SEARCH);
            byte[] tail = readAt(ch, size - n, n);
            for (int i = n - IEND.length; i >= 0; i--) {
                if (Arrays.equals(tail, i, i + IEND.length, IEND, 0, IEND.length)) {
                    return;
                }
            }
        }
        throw new DataException(file, "truncated PNG: no IEND chunk at the end of the file (" + size + " bytes)");
    }

    private static byte[] readAt(SeekableByteChannel ch, long pos, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        ch.position(pos);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        return buf.array();
    }
}
