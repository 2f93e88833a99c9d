package com.oneshotct.model.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code torch.save}'s zip format (PyTorch 1.6 and later): {@code <archive>/data.pkl}, a pickle of the saved object
 * whose storages are persistent ids {@code ('storage', torch.<Type>Storage, key, location, numel)}; each storage's
 * raw bytes in {@code <archive>/data/<key>}; {@code <archive>/version}; since PyTorch 2.1 {@code
 * <archive>/byteorder} ({@code little} or {@code big}; absent: little, as every earlier writer on common hardware).
 * Only the picked state dict's storages are read; a storage shared by several tensors is read once.
 */
final class TorchZipReader {
    private TorchZipReader() {}

    /** The archive folder of a torch zip ({@code "archive/"}, or the file's stem in PyTorch 1.x), or null. */
    static String archivePrefix(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                return name.substring(0, slash + 1);
            }
        }
        return null;
    }

    static FileTensors read(ZipFile zip, String prefix, String key) throws IOException {
        boolean bigEndian = false;
        ZipEntry order = zip.getEntry(prefix + "byteorder");
        if (order != null) {
            String text = new String(readAll(zip, order), StandardCharsets.US_ASCII).trim();
            if (!text.equals("little") && !text.equals("big")) {
                throw new IllegalArgumentException(prefix + "byteorder says '" + text + "', not little or big");
            }
            bigEndian = text.equals("big");
        }
        Map<String, PickledStorage> storages = new HashMap<>();
        RestrictedUnpickler unpickler = new RestrictedUnpickler(pid -> storage(pid, storages));
        Object root;
        try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
            root = unpickler.load(new java.io.BufferedInputStream(in));
        }
        StateDictPicker.Picked picked = StateDictPicker.pick(root, key);
        Map<String, byte[]> bytes = new HashMap<>();
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, PickledTensor> e : picked.tensors().entrySet()) {
            PickledStorage s = e.getValue().storage();
            byte[] data = bytes.get(s.key());
            if (data == null) {
                ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
                if (entry == null) {
                    throw new IllegalArgumentException("tensor '" + e.getKey() + "': its storage " + prefix + "data/"
                            + s.key() + " is not in the archive");
                }
                data = readAll(zip, entry);
                bytes.put(s.key(), data);
            }
            try {
                out.put(e.getKey(), e.getValue().materialise(data, bigEndian));
            } catch (IllegalArgumentException | ArithmeticException x) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "': " + x.getMessage(), x);
            }
        }
        return new FileTensors(picked.path(), out);
    }

    /** A zip-format persistent id: {@code ('storage', storage class, key, location, numel)}. */
    private static PickledStorage storage(Object pid, Map<String, PickledStorage> seen) {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                || !(t[1] instanceof TorchGlobal g) || g.storageType() == null || !(t[2] instanceof String k)
                || !(t[4] instanceof Number numel)) {
            throw new net.razorvine.pickle.PickleException("a persistent id that is not a storage of a known type: "
                    + describe(pid));
        }
        return seen.computeIfAbsent(k, x -> new PickledStorage(g.storageType(), k, 0, numel.longValue()));
    }

    static String describe(Object pid) {
        if (pid instanceof Object[] t) {
            StringBuilder b = new StringBuilder("(");
            for (Object o : t) {
                b.append(b.length() == 1 ? "" : ", ").append(o instanceof String s ? "'" + s + "'"
                        : TorchGlobal.typeName(o));
            }
            return b.append(")").toString();
        }
        return TorchGlobal.typeName(pid);
    }

    private static byte[] readAll(ZipFile zip, ZipEntry entry) throws IOException {
        if (entry.getSize() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(entry.getName() + " holds " + entry.getSize() + " bytes, over the"
                    + " 2 GiB one storage may have here");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
