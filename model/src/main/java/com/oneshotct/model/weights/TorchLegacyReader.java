package com.oneshotct.model.weights;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.PickleException;

/**
 * {@code torch.save}'s format before PyTorch 1.6 (and with {@code _use_new_zipfile_serialization=False} since):
 * five pickles back to back (the magic number, the protocol version 1001, the saver's system info, the object whose
 * storages are persistent ids {@code ('storage', torch.<Type>Storage, key, location, numel, view)}, the list of
 * storage keys), then each listed storage as an int64 element count and its elements, little-endian. {@code view} is
 * None or {@code (view key, offset, numel)}: a storage that starts inside another (PyTorch before 1.0).
 */
final class TorchLegacyReader {
    /** The first pickle of a legacy file: {@code 0x1950a86a20f9469cfc6c}. */
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int PROTOCOL = 1001;

    private TorchLegacyReader() {}

    /** Whether the file starts as a legacy torch file: pickle protocol 2, then the 10-byte LONG1 of the magic. */
    static boolean looksLegacy(byte[] head) {
        byte[] start = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a};
        if (head.length < start.length + 10) {
            return false;
        }
        for (int i = 0; i < start.length; i++) {
            if (head[i] != start[i]) {
                return false;
            }
        }
        byte[] le = new byte[10];
        for (int i = 0; i < 10; i++) {
            le[9 - i] = head[start.length + i];
        }
        return new BigInteger(1, le).equals(MAGIC);
    }

    /** The state dict of the legacy file on {@code in}, {@code fileSize} bytes long (which bounds every storage). */
    static FileTensors read(InputStream in, long fileSize, String key) throws IOException {
        Object magic = plain().load(in);
        if (!MAGIC.equals(magic)) {
            throw new IllegalArgumentException("not a legacy torch file (its first pickle is not PyTorch's magic"
                    + " number)");
        }
        Object protocol = plain().load(in);
        if (!(protocol instanceof Number p) || p.intValue() != PROTOCOL) {
            throw new IllegalArgumentException("legacy torch file of protocol " + protocol + ", expected "
                    + PROTOCOL);
        }
        plain().load(in); // system info: the data below is little-endian whatever the saver's byte order
        Map<String, PickledStorage> roots = new HashMap<>();
        Object root = new RestrictedUnpickler(pid -> storage(pid, roots)).load(in);
        StateDictPicker.Picked picked = StateDictPicker.pick(root, key);
        Object keys = plain().load(in);
        if (!(keys instanceof List<?> list)) {
            throw new IllegalArgumentException("the list of storage keys is a " + TorchGlobal.typeName(keys));
        }
        Set<String> needed = new HashSet<>();
        picked.tensors().values().forEach(t -> needed.add(t.storage().key()));
        DataInputStream data = new DataInputStream(in);
        Map<String, byte[]> bytes = new HashMap<>();
        for (Object k : list) {
            PickledStorage s = roots.get(String.valueOf(k));
            if (s == null) {
                throw new IllegalArgumentException("storage '" + k + "' is listed but no tensor names it");
            }
            byte[] count = new byte[8];
            data.readFully(count);
            long numel = ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long size = Math.multiplyExact(numel, s.dtype().bytes());
            if (size > fileSize) {
                throw new IllegalArgumentException("storage '" + k + "' claims " + size + " bytes, more than the"
                        + " file's " + fileSize + " (truncated or corrupt)");
            }
            if (numel < s.numel()) {
                throw new IllegalArgumentException("storage '" + k + "' holds " + numel + " elements, its tensors"
                        + " need " + s.numel());
            }
            if (needed.contains(s.key())) {
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("storage '" + k + "' holds " + size + " bytes, over the 2 GiB"
                            + " one storage may have here");
                }
                byte[] b = new byte[(int) size];
                data.readFully(b);
                bytes.put(s.key(), b);
            } else {
                data.skipNBytes(size);
            }
        }
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, PickledTensor> e : picked.tensors().entrySet()) {
            byte[] b = bytes.get(e.getValue().storage().key());
            if (b == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "': its storage '"
                        + e.getValue().storage().key() + "' is not in the file");
            }
            try {
                out.put(e.getKey(), e.getValue().materialise(b, false));
            } catch (IllegalArgumentException | ArithmeticException x) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "': " + x.getMessage(), x);
            }
        }
        return new FileTensors(picked.path(), out);
    }

    /** An unpickler for the header pickles, which hold no persistent ids. */
    private static RestrictedUnpickler plain() {
        return new RestrictedUnpickler(pid -> {
            throw new PickleException("a persistent id where none belongs: " + TorchZipReader.describe(pid));
        });
    }

    /** A legacy persistent id; a view becomes a storage that starts {@code offset} elements into its root. */
    private static PickledStorage storage(Object pid, Map<String, PickledStorage> roots) {
        if (!(pid instanceof Object[] t) || t.length != 6 || !"storage".equals(t[0])
                || !(t[1] instanceof TorchGlobal g) || g.storageType() == null || !(t[2] instanceof String k)
                || !(t[4] instanceof Number numel)) {
            throw new PickleException("a persistent id that is not a storage of a known type: "
                    + TorchZipReader.describe(pid) + (pid instanceof Object[] t && t.length > 0
                    && "module".equals(t[0]) ? " (a whole nn.Module was saved: save its state_dict() instead)" : ""));
        }
        PickledStorage root = roots.computeIfAbsent(k, x -> new PickledStorage(g.storageType(), k, 0,
                numel.longValue()));
        if (t[5] == null) {
            return root;
        }
        if (!(t[5] instanceof Object[] view) || view.length != 3 || !(view[1] instanceof Number offset)
                || !(view[2] instanceof Number size)) {
            throw new PickleException("a storage view that is not (key, offset, numel): "
                    + TorchZipReader.describe(t[5]));
        }
        return new PickledStorage(root.dtype(), k, offset.longValue(), size.longValue());
    }
}
