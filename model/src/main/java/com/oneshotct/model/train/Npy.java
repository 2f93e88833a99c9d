package com.oneshotct.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.model.ops.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (version 1.0) for one array, written and read here because DJL's NPZ encoder
 * deflates every array (seconds per checkpoint for numbers that barely compress). Little-endian float32, float64,
 * int32 and int64 only, C order.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|]?[a-z]\\d)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** The array as a {@code .npy} file's bytes. */
    static byte[] encode(NDArray a) {
        String descr = switch (a.getDataType()) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            default -> throw new IllegalArgumentException("npy: unsupported type " + a.getDataType());
        };
        long[] dims = a.getShape().getShape();
        String shape = dims.length == 1 ? "(" + dims[0] + ",)" : "(" + String.join(", ",
                Arrays.stream(dims).mapToObj(Long::toString).toList()) + ")";
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape
                + ", }");
        // the data starts at a multiple of 64 bytes; the header ends with a newline
        while ((MAGIC.length + 2 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer data = a.toByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + header.length + data.remaining())
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) header.length).put(header);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            out.put(data);
        } else {
            int width = a.getDataType().getNumOfBytes();
            byte[] one = new byte[width];
            while (data.hasRemaining()) {
                data.get(one);
                for (int i = width - 1; i >= 0; i--) {
                    out.put(one[i]);
                }
            }
        }
        return out.array();
    }

    /** An array of {@code manager} from {@code .npy} bytes; {@code what} names the source in errors. */
    static NDArray decode(NDManager manager, byte[] npy, String what) {
        if (npy.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(npy, 6), Arrays.copyOf(MAGIC, 6))) {
            throw new IllegalArgumentException(what + ": not a .npy array");
        }
        ByteBuffer in = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        int major = npy[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : in.getInt(8);
        int start = 8 + (major == 1 ? 2 : 4) + headerLength;
        if (start > npy.length) {
            throw new IllegalArgumentException(what + ": .npy header longer than the file");
        }
        String header = new String(npy, 8 + (major == 1 ? 2 : 4), headerLength, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find() || f.group(1).equals("True")) {
            throw new IllegalArgumentException(what + ": unsupported .npy header " + header.trim());
        }
        DataType type = switch (d.group(1)) {
            case "<f4" -> DataType.FLOAT32;
            case "<f8" -> DataType.FLOAT64;
            case "<i4" -> DataType.INT32;
            case "<i8" -> DataType.INT64;
            default -> throw new IllegalArgumentException(what + ": unsupported .npy type " + d.group(1));
        };
        long[] dims = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        Shape shape = new Shape(dims);
        long bytes = shape.size() * type.getNumOfBytes();
        if (npy.length - start != bytes) {
            throw new IllegalArgumentException(what + ": .npy holds " + (npy.length - start) + " data bytes, shape "
                    + shape + " of " + type + " needs " + bytes);
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        ByteBuffer src = ByteBuffer.wrap(npy, start, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            data.put(src);
        } else {
            int width = type.getNumOfBytes();
            byte[] one = new byte[width];
            while (src.hasRemaining()) {
                src.get(one);
                for (int i = width - 1; i >= 0; i--) {
                    data.put(one[i]);
                }
            }
        }
        data.rewind();
        return Native.owned(manager.create(data, shape, type));
    }
}
