package com.oneshotct.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: a little-endian u64 header length N, N bytes of JSON ({@code {"name": {"dtype": "F32",
 * "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}, offsets relative to the end of the header),
 * then the tensors' bytes, contiguous and little-endian. No code, so nothing to restrict; every offset and length is
 * checked against the file before a byte is read.
 */
final class SafetensorsReader {
    /** Headers above this are refused: real ones are kilobytes; a wild length would allocate gigabytes. */
    static final long MAX_HEADER = 100L << 20;

    private SafetensorsReader() {}

    /** Whether {@code head} (the file's first bytes) starts as a safetensors file of {@code size} bytes. */
    static boolean looksSafetensors(byte[] head, long size) {
        if (head.length < 9) {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n > 1 && n <= MAX_HEADER && n <= size - 8 && head[8] == '{';
    }

    static FileTensors read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 2 || n > MAX_HEADER || 8 + n > size) {
                throw new IllegalArgumentException("safetensors header of " + n + " bytes in a file of " + size);
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            JsonNode root = new ObjectMapper().readTree(new String(header.array(), StandardCharsets.UTF_8));
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("safetensors header is not a JSON object");
            }
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            Map<String, RawTensor> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getKey().equals("__metadata__")) {
                    continue;
                }
                try {
                    out.put(f.getKey(), tensor(ch, f.getValue(), dataStart, dataSize));
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw new IllegalArgumentException("tensor '" + f.getKey() + "': " + e.getMessage(), e);
                }
            }
            return new FileTensors("", out);
        }
    }

    private static RawTensor tensor(FileChannel ch, JsonNode spec, long dataStart, long dataSize)
            throws IOException {
        JsonNode dtype = spec.get("dtype");
        JsonNode shape = spec.get("shape");
        JsonNode offsets = spec.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new IllegalArgumentException("header entry is not {dtype, shape, data_offsets [begin, end]}: "
                    + spec);
        }
        WeightDType t = WeightDType.ofSafetensors(dtype.asText());
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong()) {
                throw new IllegalArgumentException("shape " + shape + " is not a list of integers");
            }
            dims[i] = shape.get(i).asLong();
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        long bytes = Math.multiplyExact(RawTensor.elements(dims), t.bytes());
        if (begin < 0 || end < begin || end > dataSize || end - begin != bytes) {
            throw new IllegalArgumentException("data_offsets [" + begin + ", " + end + "] do not hold a " + t
                    + " tensor of shape " + shape + " (" + bytes + " bytes) within the " + dataSize
                    + " data bytes");
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(bytes + " bytes, over the 2 GiB one tensor may have here");
        }
        ByteBuffer data = ByteBuffer.allocate((int) bytes);
        readFully(ch, data, dataStart + begin);
        return new RawTensor(t, dims, data.array());
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IllegalArgumentException("file ends at byte " + at + " inside the data");
            }
            at += n;
        }
    }
}
