package com.oneshotct.activities.store;

import com.oneshotct.model.data.DataException;
import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Uploads a local dataset folder as a new version of dataset {@code name} ({@link DatasetName} gives the layout).
 *
 * <p>Nothing a version refers to is ever written again: each file goes to {@code blobs/<sha256>} unless the store
 * holds it already (the same key is the same bytes), then the version's manifest (its name is its SHA-256, so
 * the same content pushed again is found and nothing is uploaded), then the {@code latest} pointer, the one object
 * replaced. A push cut short leaves blobs no manifest lists yet, never a version with missing files, and the
 * previous newest version stays the newest.
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
        String id = Manifest.id(manifestFile);
        store.ensureBucket();
        DatasetVersions versions = new DatasetVersions(store);
        Optional<DatasetVersions.Version> previous = versions.newest(name);
        Optional<DatasetVersions.Version> same = versions.list(name).stream().filter(v -> v.id().equals(id))
                .findFirst();
        int count = 0;
        long uploadedBytes = 0;
        long bytes = manifest.files().stream().mapToLong(Manifest.Entry::size).sum();
        if (same.isEmpty()) {
            for (Manifest.Entry e : manifest.files()) {
                String key = DatasetName.blobKey(name, e.sha256());
                Optional<ObjectInfo> there = store.stat(key);
                if (there.isPresent() && there.get().size() == e.size() && e.sha256().equals(there.get().sha256())) {
                    continue;
                }
                Path file = dir.resolve(e.path());
                ObjectInfo put = store.putNew(key, file);
                if (!put.sha256().equals(e.sha256()) || put.size() != e.size()) {
                    // the key was free (no version lists it yet): do not leave other bytes under this hash's name
                    store.delete(key);
                    throw new DataException(file, "changed after the manifest was checked (SHA-256 " + put.sha256()
                            + ", " + put.size() + " bytes; the manifest says " + e.sha256() + ", " + e.size() + ")");
                }
                count++;
                uploadedBytes += e.size();
                uploaded.accept(put);
            }
            store.putNew(DatasetName.versionKey(name, id), manifestFile);
            store.put(DatasetName.latestKey(name),
                    versions.afterPush(name, id, System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        }
        String previousId = previous.map(DatasetVersions.Version::id).orElse(null);
        return new PushSummary(name, id, store.bucket(), DatasetName.prefix(name), manifest.files().size(), bytes,
                count, uploadedBytes, same.isEmpty(), previousId);
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
