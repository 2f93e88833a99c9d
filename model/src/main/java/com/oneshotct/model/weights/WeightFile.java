package com.oneshotct.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
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
            throw new DataException(file, whatElse(head) + "; expected a torch.save file (.pth, .pt), a safetensors"
                    + " file or an npz");
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
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    NDList arrays = NDList.decode(manager, in);
                    Map<String, Integer> dtypes = new LinkedHashMap<>();
                    for (NDArray a : arrays) {
                        dtypes.merge(a.getDataType().toString(), 1, Integer::sum);
                    }
                    return new WeightFile(file, WeightFormat.NPZ, "", arrays, dtypes);
                }
            }
            throw new DataException(file, "a zip archive that is neither a torch.save file (no <archive>/data.pkl)"
                    + " nor an npz (members other than .npy)");
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
            return "an empty file";
        }
        if (head.length >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("ustar")) {
            return "a tar archive (torch.save's format before PyTorch 0.4?) that this reader does not handle: re-save"
                    + " it with PyTorch 1.6 or later (torch.save(torch.load(OLD), NEW))";
        }
        if ((head[0] & 0xff) == 0x80) {
            return "a pickle that is not a torch.save file (no PyTorch magic number)";
        }
        return "an unrecognised format";
    }
}
