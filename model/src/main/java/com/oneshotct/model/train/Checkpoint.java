package com.oneshotct.model.train;

import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import com.oneshotct.model.nn.S2Weights;
import com.oneshotct.model.nn.GradMode;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.nn.StateDict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A training checkpoint of a {@link PaperTrainer}: one zip file (entries stored, not compressed) that is also an
 * {@code .npz} NumPy opens ({@code numpy.load}), with:
 * <ul>
 *   <li>{@code header.json}: format, config hash and the canonical config it hashes, iteration, the sampler's and
 *       the steps' {@code SplitMix64} states, the previous segmentation loss (as float bits), the optimiser's
 *       update count and per-parameter step counts by state-dict key;</li>
 *   <li>{@code weights/<key>.npy}: every state-dict entry (BatchNorm running statistics included) by reference key;</li>
 *   <li>{@code pretrain/<key>.npy}: the body pre-training's linear layer, when the config pre-trains;</li>
 *   <li>{@code optimizer/m.<key>.npy}, {@code optimizer/v.<key>.npy}: Adam's moments;</li>
 *   <li>{@code SHA256SUMS}: {@code sha256sum} lines of every other entry, all checked on load (corruption).</li>
 * </ul>
 * {@link #save} returns the SHA-256 of the whole file; {@link #load(PaperTrainer, Path, String)} can check it too
 * (that also covers zip metadata the entry sums do not). The file is written beside its destination and moved into
 * place, so a reader never sees half a checkpoint.
 */
public final class Checkpoint {
    public static final String FORMAT = "oneshot-train-checkpoint-1";
    private static final String HEADER = "header.json";
    private static final String WEIGHTS = "weights/";
    private static final String OPTIMIZER = "optimizer/";
    private static final String PRETRAIN = "pretrain/";
    private static final String NPY = ".npy";
    private static final String SUMS = "SHA256SUMS";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /** What a load restored. */
    public record Info(int iteration, String configHash, String sha256) {}

    /** Writes the trainer's whole state to {@code file}; returns the file's SHA-256 (hex). */
    public static String save(PaperTrainer trainer, Path file) {
        Adam adam = trainer.adam();
        List<String> keys = trainer.optimizerKeys();
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        for (StateDict.Entry e : StateDict.entries(trainer.net())) {
            arrays.put(WEIGHTS + e.key() + NPY, Npy.encode(e.parameter().getArray()));
        }
        trainer.pretrainHead().forEach((k, a) -> arrays.put(PRETRAIN + k + NPY, Npy.encode(a)));
        for (int i = 0; i < keys.size(); i++) {
            arrays.put(OPTIMIZER + "m." + keys.get(i) + NPY, Npy.encode(adam.m(i)));
            arrays.put(OPTIMIZER + "v." + keys.get(i) + NPY, Npy.encode(adam.v(i)));
        }
        byte[] header;
        ObjectNode h = JSON.createObjectNode();
        h.put("format", FORMAT);
        h.put("configHash", trainer.config().hash());
        h.put("config", trainer.config().canonical());
        h.set("train", TrainConfigJson.write(trainer.config()));
        h.put("s2Weights", trainer.net().s2Weights().name());
        h.put("iteration", trainer.iteration());
        h.put("samplerState", trainer.samplerState());
        h.put("stepRngState", trainer.stepRngState());
        h.put("previousSegmentationLossBits", Float.floatToRawIntBits(trainer.previousSegmentationLoss()));
        h.put("previousSegmentationLoss", trainer.previousSegmentationLoss());
        h.put("adamUpdates", adam.step());
        ObjectNode steps = h.putObject("adamSteps");
        long[] s = adam.steps();
        for (int i = 0; i < keys.size(); i++) {
            steps.put(keys.get(i), s[i]);
        }
        try {
            header = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder sums = new StringBuilder(sumLine(header, HEADER));
        arrays.forEach((name, bytes) -> sums.append(sumLine(bytes, name)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        MessageDigest digest = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, HEADER, header);
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                put(zip, e.getKey(), e.getValue());
            }
            put(zip, SUMS, sums.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move checkpoint into place at " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@link #load(PaperTrainer, Path, String)} without a whole-file hash to check (the entries' are checked). */
    public static Info load(PaperTrainer trainer, Path file) {
        return load(trainer, file, null);
    }

    /**
     * Restores {@code trainer} (built with the same configuration, typically fresh) from {@code file}. Refuses a
     * file whose SHA-256 is not {@code expectedSha256} (when given), a corrupt or truncated file, another format,
     * and a checkpoint of another configuration ({@link ForeignCheckpointException}, naming what differs). Nothing
     * is changed unless every check passed.
     */
    public static Info load(PaperTrainer trainer, Path file, String expectedSha256) {
        GradMode.offOnThisThread();
        String sha = sha256(file);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
            throw new DataException(file, "checkpoint SHA-256 is " + sha + ", expected " + expectedSha256
                    + " (corrupt or another file)");
        }
        Read r = read(file);
        Map<String, byte[]> entries = r.entries();
        JsonNode h = r.header();
        refuseForeign(trainer, file, h);
        restore(trainer, file, h, entries);
        return new Info(trainer.iteration(), trainer.config().hash(), sha);
    }

    /**
     * The one compatibility check: the header's training configuration must compute what the trainer's computes
     * (equal {@link TrainConfig#canonical()}; the horizon may differ) under the same s2 policy.
     */
    private static void refuseForeign(PaperTrainer trainer, Path file, JsonNode h) {
        TrainConfig saved = TrainedModel.config(file, h);
        List<String> diff = new ArrayList<>(TrainConfigJson.differences(saved, trainer.config()));
        String s2 = h.path("s2Weights").asText(S2Weights.COPY.name());
        if (!s2.equals(trainer.net().s2Weights().name())) {
            diff.add("s2Weights " + s2 + " / " + trainer.net().s2Weights());
        }
        if (!diff.isEmpty()) {
            throw new ForeignCheckpointException(file, "checkpoint of another training configuration (config hash "
                    + saved.hash() + ", this one's " + trainer.config().hash() + "); differs in (checkpoint / this): "
                    + String.join(", ", diff));
        }
    }

    /** A checkpoint's verified entries (sums removed) and its parsed header. */
    record Read(Map<String, byte[]> entries, JsonNode header) {}

    /** Reads every entry, checks every entry's SHA-256 and the format; the file's own hash is not checked here. */
    static Read read(Path file) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            throw new DataException(file, "no such checkpoint file");
        } catch (IOException e) {
            throw new DataException(file, "corrupt or truncated checkpoint: " + e.getMessage(), e);
        }
        checkSums(file, entries);
        JsonNode h;
        try {
            h = JSON.readTree(entries.get(HEADER));
        } catch (IOException e) {
            throw new DataException(file, "corrupt checkpoint header: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(h.path("format").asText())) {
            throw new DataException(file, "not a " + FORMAT + " file (format '" + h.path("format").asText() + "')");
        }
        return new Read(entries, h);
    }

    /** The weights in a read checkpoint, named by state-dict key, on {@code manager}. */
    static NDList weights(NDManager manager, Path file, Map<String, byte[]> entries) {
        NDList w = new NDList();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(WEIGHTS) && name.endsWith(NPY)) {
                NDArray a = decode(manager, e.getValue(), file, name);
                a.setName(name.substring(WEIGHTS.length(), name.length() - NPY.length()));
                w.add(a);
            }
        }
        return w;
    }

    /** Every entry but the sums must be listed in them with its SHA-256, and every listed entry be there. */
    private static void checkSums(Path file, Map<String, byte[]> entries) {
        byte[] sums = entries.remove(SUMS);
        if (sums == null || !entries.containsKey(HEADER)) {
            throw new DataException(file, "corrupt checkpoint: no " + (sums == null ? SUMS : HEADER) + " entry");
        }
        Map<String, String> listed = new LinkedHashMap<>();
        for (String line : new String(sums, StandardCharsets.UTF_8).split("\n")) {
            int gap = line.indexOf("  ");
            if (gap != 64) {
                throw new DataException(file, "corrupt checkpoint: bad " + SUMS + " line '" + line + "'");
            }
            listed.put(line.substring(gap + 2), line.substring(0, gap));
        }
        if (!listed.keySet().equals(entries.keySet())) {
            throw new DataException(file, "corrupt checkpoint: its entries and " + SUMS + " disagree ("
                    + entries.size() + " entries, " + listed.size() + " sums)");
        }
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!sumLine(e.getValue(), e.getKey()).equals(listed.get(e.getKey()) + "  " + e.getKey() + "\n")) {
                throw new DataException(file, "corrupt checkpoint: entry " + e.getKey()
                        + " does not match its SHA-256 in " + SUMS);
            }
        }
    }

    private static void restore(PaperTrainer trainer, Path file, JsonNode h, Map<String, byte[]> entries) {
        Adam adam = trainer.adam();
        List<String> keys = trainer.optimizerKeys();
        long[] steps = new long[keys.size()];
        JsonNode s = h.path("adamSteps");
        for (int i = 0; i < keys.size(); i++) {
            if (!s.path(keys.get(i)).canConvertToLong()) {
                throw new DataException(file, "checkpoint has no optimiser step count for '" + keys.get(i) + "'");
            }
            steps[i] = s.path(keys.get(i)).asLong();
        }
        try (NDManager sub = adam.m(0).getManager().newSubManager()) {
            Map<String, NDArray> byName = new LinkedHashMap<>();
            NDList w = new NDList();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                String name = e.getKey();
                if (!name.endsWith(NPY) || !(name.startsWith(WEIGHTS) || name.startsWith(OPTIMIZER))) {
                    continue;
                }
                NDArray a = decode(sub, e.getValue(), file, name);
                if (name.startsWith(WEIGHTS)) {
                    a.setName(name.substring(WEIGHTS.length(), name.length() - NPY.length()));
                    w.add(a);
                } else {
                    byName.put(name.substring(OPTIMIZER.length(), name.length() - NPY.length()), a);
                }
            }
            List<NDArray> m = new ArrayList<>();
            List<NDArray> v = new ArrayList<>();
            for (String k : keys) {
                NDArray mk = byName.get("m." + k);
                NDArray vk = byName.get("v." + k);
                if (mk == null || vk == null) {
                    throw new DataException(file, "checkpoint has no optimiser moments for '" + k + "'");
                }
                m.add(mk);
                v.add(vk);
            }
            Map<NDArray, NDArray> head = new java.util.IdentityHashMap<>();
            for (Map.Entry<String, NDArray> e : trainer.pretrainHead().entrySet()) {
                String name = PRETRAIN + e.getKey() + NPY;
                if (!entries.containsKey(name)) {
                    throw new DataException(file, "checkpoint has no '" + name + "'");
                }
                NDArray a = decode(sub, entries.get(name), file, name);
                if (!a.getShape().equals(e.getValue().getShape())) {
                    throw new DataException(file, "checkpoint's " + name + " has shape " + a.getShape()
                            + ", the trainer's " + e.getValue().getShape());
                }
                head.put(e.getValue(), a);
            }
            try {
                StateDict.load(trainer.net(), "", w, true, file.toString());
                head.forEach((dst, src) -> dst.set(src.toByteBuffer()));
                adam.restore(m, v, steps, h.path("adamUpdates").asLong());
            } catch (IllegalArgumentException e) {
                throw new DataException(file, e.getMessage(), e);
            }
        }
        trainer.restore(h.path("iteration").asInt(), h.path("samplerState").asLong(),
                h.path("stepRngState").asLong(), Float.intBitsToFloat(h.path("previousSegmentationLossBits").asInt()));
    }

    /** SHA-256 (hex) of a file's bytes. */
    public static String sha256(Path file) {
        MessageDigest d = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new DataException(file, "checkpoint unreadable: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static NDArray decode(NDManager sub, byte[] npy, Path file, String name) {
        try {
            return Npy.decode(sub, npy, name);
        } catch (IllegalArgumentException e) {
            throw new DataException(file, "corrupt checkpoint: " + e.getMessage(), e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        // stored: the float arrays barely compress, and deflating a ResNeXt50's 140 MB would cost seconds
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** A {@code sha256sum} line. */
    private static String sumLine(byte[] data, String name) {
        return HexFormat.of().formatHex(sha256().digest(data)) + "  " + name + "\n";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
