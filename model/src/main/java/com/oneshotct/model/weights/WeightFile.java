package com.oneshotct.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;

/**
 * A state dict read from a PyTorch ({@code torch.save}, zip or legacy), safetensors or npz file, the format told by
 * content: the named arrays, in file order, and what they came from. The one entry point for published weights.
 *
 * <p>Every problem with the file, a refused pickle global included, is a {@link DataException} naming the file, the
 * format and the problem.
 *
 * @param source the file read
 * @param format its format
 * @param picked where the state dict was in the file: {@code ""} the whole file, else the key path of a wrapped one
 * @param arrays the arrays, named by their keys in the file (float16 and bfloat16 widened to float32)
 * @param dtypes how many arrays of each element type the file held ({@code float32 -> 102}), by PyTorch's names
 */
public record WeightFile(Path source, WeightFormat format, String picked, NDList arrays,
        Map<String, Integer> dtypes) {
    private static final int HEAD = 512;
    private static final String NONE_OF = "neither a PyTorch checkpoint (torch.save: a zip with data.pkl, or a legacy"
            + " pickle), a safetensors file nor a NumPy .npz file";
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /**
     * Reads {@code file}'s state dict into arrays of {@code manager}; {@code key} (may be null) picks it, for a
     * {@code torch.save} file that wraps it, by a key path ({@code model_weights}, {@code checkpoint/model}).
     */
    public static WeightFile read(Path file, NDManager manager, String key) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file, "no such file");
        }
        WeightFormat format = null;
        try {
            byte[] head = head(file);
            long size = Files.size(file);
            if (head.length >= 4 && head[0] == 'P' && head[1] == 'K') {
                return readZip(file, manager, key);
            }
            if (TorchLegacyReader.looksLegacy(head)) {
                format = WeightFormat.TORCH_LEGACY;
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    return of(file, format, TorchLegacyReader.read(in, size, key), manager);
                }
            }
            if (SafetensorsReader.looksSafetensors(head, size)) {
                format = WeightFormat.SAFETENSORS;
                noKey(key, format);
                return of(file, format, SafetensorsReader.read(file), manager);
            }
            throw new DataException(file, NONE_OF + ": " + whatElse(head));
        } catch (DataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.io.EOFException || e instanceof IndexOutOfBoundsException
                    || problem.contains("expected more bytes") || problem.contains("premature end")) {
                // razorvine reports a short read as a plain IOException with these words
                problem = "the file ends early (truncated?) or is malformed (" + problem + ")";
            }
            String label = format == null ? "" : format + ": ";
            String fix = format == WeightFormat.TORCH_LEGACY && !(e instanceof PickleException)
                    ? "; if the file is sound, re-save it with PyTorch 1.6 or later (torch.save(torch.load(OLD),"
                    + " NEW)) and read that" : "";
            throw new DataException(file, label + problem + fix, e);
        }
    }

    private static WeightFile readZip(Path file, NDManager manager, String key) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new DataException(file, "not a complete zip archive, truncated or corrupt (" + e.getMessage()
                    + "): download or copy it again", e);
        }
        try (zip) {
            String prefix = TorchZipReader.archivePrefix(zip);
            if (prefix != null) {
                try {
                    return of(file, WeightFormat.TORCH_ZIP, TorchZipReader.read(zip, prefix, key), manager);
                } catch (ZipException e) {
                    throw new DataException(file, WeightFormat.TORCH_ZIP + ": a corrupt member (" + e.getMessage()
                            + "): download or copy the file again", e);
                } catch (IOException | RuntimeException e) {
                    if (e instanceof DataException d) {
                        throw d;
                    }
                    throw new DataException(file, WeightFormat.TORCH_ZIP + ": " + (e.getMessage() == null
                            ? e.getClass().getSimpleName() : e.getMessage()), e);
                }
            }
            if (allNpy(zip)) {
                noKey(key, WeightFormat.NPZ);
                checkNpyMembers(file, zip);
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    NDList arrays;
                    try {
                        arrays = NDList.decode(manager, in);
                    } catch (RuntimeException e) {
                        // DJL says only "Malformed numpy data"
                        throw new DataException(file, "a NumPy .npz file whose arrays cannot be read ("
                                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                                + "): a data type or layout other than numpy.savez's plain arrays, or a damaged file",
                                e);
                    }
                    Map<String, Integer> dtypes = new LinkedHashMap<>();
                    for (NDArray a : arrays) {
                        dtypes.merge(a.getDataType().toString(), 1, Integer::sum);
                    }
                    return new WeightFile(file, WeightFormat.NPZ, "", arrays, dtypes);
                }
            }
            throw new DataException(file, "a zip archive that is neither a PyTorch checkpoint (no <archive>/data.pkl)"
                + " nor a NumPy .npz file (members other than .npy: " + String.join(", ", notNpy(zip)) + ")");
        }
    }

    private static boolean allNpy(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        boolean any = false;
        while (entries.hasMoreElements()) {
            if (!entries.nextElement().getName().endsWith(".npy")) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static WeightFile of(Path file, WeightFormat format, FileTensors read, NDManager manager) {
        NDList arrays = new NDList(read.tensors().size());
        Map<String, Integer> dtypes = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : read.tensors().entrySet()) {
            dtypes.merge(e.getValue().dtype().torchName(), 1, Integer::sum);
            arrays.add(e.getValue().toNDArray(manager, e.getKey()));
        }
        return new WeightFile(file, format, read.picked(), arrays, dtypes);
    }

    private static void noKey(String key, WeightFormat format) {
        if (key != null && !key.isEmpty()) {
            throw new IllegalArgumentException("--key picks a state dict inside a torch.save file; a " + format
                    + " file is one flat state dict");
        }
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEAD);
        }
    }

    /** What the file looks like when it is none of the formats, for the message. */
    private static String whatElse(byte[] head) {
        if (head.length == 0) {
            return "it is empty";
        }
        if (head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            return "it is a tar archive (torch.save's format before PyTorch 0.4?) that this reader does not handle:"
                    + " re-save it with PyTorch 1.6 or later (torch.save(torch.load(OLD), NEW))";
        }
        String start = "it starts with bytes " + startBytes(head, 16);
        if ((head[0] & 0xff) == 0x80) {
            return "a pickle that is not a torch.save file (no PyTorch magic number); " + start;
        }
        return start;
    }

    /**
     * The first {@code n} bytes in hex, and as text where printable ({@code 68 65 6c 6c 6f 0a ("hello.")}), for
     * telling a file from its start.
     */
    static String startBytes(byte[] head, int n) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(n, head.length); i++) {
            int b = head[i] & 0xff;
            hex.append(i == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%02x", b));
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return hex + " (\"" + text + "\")";
    }

    /** An npz member that is no {@code .npy} array (numpy's magic {@code \x93NUMPY}) is named, with its start. */
    private static void checkNpyMembers(Path file, ZipFile zip) throws IOException {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            byte[] head;
            try (InputStream in = zip.getInputStream(e)) {
                head = in.readNBytes(NPY_MAGIC.length);
            }
            if (!Arrays.equals(head, NPY_MAGIC)) {
                throw new DataException(file, "not a valid NumPy .npz file: member " + e.getName() + " is not a .npy"
                        + " array (" + (head.length == 0 ? "it is empty" : "it starts with bytes "
                        + startBytes(head, head.length)) + ")");
            }
        }
    }

    private static List<String> notNpy(ZipFile zip) {
        List<String> out = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements() && out.size() < 5) {
            String name = entries.nextElement().getName();
            if (!name.endsWith(".npy")) {
                out.add(name);
            }
        }
        return out;
    }
}
