package com.oneshotct.activities.store;

import com.oneshotct.model.data.DataException;
import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Uploads a local dataset folder to {@code datasets/<name>/} with its {@code manifest.json}.
 *
 * <p>Order matters to readers: when the store holds another manifest under the name, it is deleted first, then
 * every file goes up, then the manifest last. A push cut short therefore leaves no manifest, and a fetch says
 * "not found" instead of reading a manifest whose objects are half replaced. Objects already there with the
 * same size and SHA-256 (from their {@code x-amz-meta-sha256}) are skipped, so a repeated push uploads nothing.
 * Objects under the prefix that the manifest does not list are left alone: fetch reads only what it lists.
 */
public final class DatasetPush {
    private final ObjectStore store;

    public DatasetPush(ObjectStore store) {
        this.store = store;
    }

    /**
     * Pushes {@code dir} as dataset {@code name}. An existing {@code dir/manifest.json} is checked against the
     * folder (a mismatch is a {@link DataException} naming the file); without one it is written.
     */
    public PushSummary push(Path dir, String name) {
        return push(dir, name, uploaded -> { });
    }

    /** As {@link #push(Path, String)}; {@code uploaded} hears of each data file as soon as it is in the store. */
    public PushSummary push(Path dir, String name, Consumer<ObjectInfo> uploaded) {
        DatasetName.check(name);
        Manifest manifest = manifestOf(dir, name);
        Path manifestFile = dir.resolve(Manifest.FILE_NAME);
        byte[] manifestBytes;
        try {
            manifestBytes = Files.readAllBytes(manifestFile);
        } catch (IOException e) {
            throw new DataException(manifestFile, "cannot read: " + e.getMessage(), e);
        }
        String id = Manifest.id(manifestFile);
        String prefix = DatasetName.prefix(name);
        String manifestKey = DatasetName.manifestKey(name);
        store.ensureBucket();

        Optional<ObjectInfo> old = store.stat(manifestKey);
        boolean sameManifest = old.isPresent() && id.equals(old.get().sha256())
                && old.get().size() == manifestBytes.length;
        if (old.isPresent() && !sameManifest) {
            store.delete(manifestKey);
        }
        int count = 0;
        long uploadedBytes = 0;
        long bytes = 0;
        for (Manifest.Entry e : manifest.files()) {
            bytes += e.size();
            String key = prefix + e.path();
            Optional<ObjectInfo> there = store.stat(key);
            if (there.isPresent() && there.get().size() == e.size() && e.sha256().equals(there.get().sha256())) {
                continue;
            }
            Path file = dir.resolve(e.path());
            ObjectInfo put = store.put(key, file);
            if (!put.sha256().equals(e.sha256()) || put.size() != e.size()) {
                throw new DataException(file, "changed after the manifest was checked (SHA-256 " + put.sha256()
                        + ", " + put.size() + " bytes; the manifest says " + e.sha256() + ", " + e.size() + ")");
            }
            count++;
            uploadedBytes += e.size();
            uploaded.accept(put);
        }
        if (!sameManifest) {
            store.put(manifestKey, manifestBytes);
        }
        return new PushSummary(name, id, store.bucket(), prefix, manifest.files().size(), bytes, count,
                uploadedBytes, !sameManifest);
    }

    private static Manifest manifestOf(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir, "not a folder");
        }
        Path file = dir.resolve(Manifest.FILE_NAME);
        if (!Files.exists(file)) {
            return Manifest.write(dir, name);
        }
        Manifest m = Manifest.read(file);
        try {
            m.verify(dir);
        } catch (DataException e) {
            String problem = e.getMessage().substring(String.valueOf(e.file()).length() + 2);
            throw new DataException(e.file(), problem + " (the folder does not match its " + Manifest.FILE_NAME + "; delete that file to have push"
                    + " write a new one)", e);
        }
        return m;
    }
}
