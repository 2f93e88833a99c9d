package com.oneshotct.activities.store;

import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The versions of the datasets in a store ({@link DatasetName} gives the layout): which exist, which is the newest,
 * where a version's files are, and removing one.
 */
public final class DatasetVersions {
    /** A version id or a prefix of one, as a person types it. */
    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f]{8,64}");

    /**
     * One version of a dataset.
     *
     * @param name the dataset
     * @param id SHA-256 of its manifest's bytes
     * @param manifestKey the object holding that manifest
     * @param legacy pushed before versions existed: the files lie at their paths under the dataset's prefix
     * @param pushed when its manifest was written
     */
    public record Version(String name, String id, String manifestKey, boolean legacy, Instant pushed) {
        /** The object that holds {@code e}'s bytes. */
        public String objectKey(Manifest.Entry e) {
            return legacy ? DatasetName.prefix(name) + e.path() : DatasetName.blobKey(name, e.sha256());
        }

        /** The first 12 characters of the id, as listings show it. */
        public String shortId() {
            return id.substring(0, 12);
        }
    }

    private final ObjectStore store;

    public DatasetVersions(ObjectStore store) {
        this.store = store;
    }

    /**
     * Every version of {@code name}, oldest first (in the order the {@code latest} object's history records their
     * pushes; a legacy version comes first); empty when the store has none.
     */
    public List<Version> list(String name) {
        List<Version> out = new ArrayList<>();
        String versions = DatasetName.versionsPrefix(name);
        for (ObjectStore.Listed l : store.listModified(DatasetName.prefix(name))) {
            if (l.key().startsWith(versions) && l.key().endsWith(".json")) {
                String id = l.key().substring(versions.length(), l.key().length() - ".json".length());
                out.add(new Version(name, id, l.key(), false, l.modified()));
            } else if (l.key().equals(DatasetName.manifestKey(name))) {
                String id = store.stat(l.key()).map(ObjectInfo::sha256).orElse(null);
                if (id != null && out.stream().noneMatch(v -> v.id().equals(id))) {
                    out.add(new Version(name, id, l.key(), true, l.modified()));
                }
            }
        }
        List<String> history = history(name);
        out.sort(Comparator.comparing((Version v) -> !v.legacy()).thenComparing(v -> history.indexOf(v.id()))
                .thenComparing(Version::pushed).thenComparing(Version::id));
        return out;
    }

    /**
     * The ids of {@code name}'s pushes in order, from its {@code latest} object (one {@code <id> <epoch ms>} line
     * per push; the last line is the newest).
     */
    List<String> history(String name) {
        return readText(DatasetName.latestKey(name)).map(t -> t.lines().map(l -> l.split("\\s+")[0])
                .filter(l -> !l.isEmpty()).toList()).orElse(List.of());
    }

    /** The {@code latest} object's text after a push of {@code id}: the history with {@code id} last. */
    String afterPush(String name, String id, long epochMillis) {
        StringBuilder b = new StringBuilder();
        readText(DatasetName.latestKey(name)).ifPresent(t -> t.lines().filter(l -> !l.startsWith(id))
                .forEach(l -> b.append(l).append('\n')));
        return b.append(id).append(' ').append(epochMillis).append('\n').toString();
    }

    /** The names that have at least one object in the store, sorted. */
    public List<String> names() {
        Set<String> names = new java.util.TreeSet<>();
        for (ObjectInfo o : store.list("datasets/")) {
            String rest = o.key().substring("datasets/".length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                names.add(rest.substring(0, slash));
            }
        }
        return List.copyOf(names);
    }

    /** The newest version: the last pushed that still exists, else the legacy one; empty when there is none. */
    public Optional<Version> newest(String name) {
        List<Version> all = list(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * The version {@code version} names: {@code null} or empty for the newest, else an id or a unique prefix of one
     * (8 to 64 lower-case hex characters).
     *
     * @throws MissingObjectException when the dataset or that version is not in the store (the message lists the
     *     versions there are)
     * @throws IllegalArgumentException for a malformed or ambiguous version
     */
    public Version resolve(String name, String version) {
        DatasetName.check(name);
        if (version == null || version.isEmpty()) {
            return newest(name).orElseThrow(() -> new MissingObjectException(store.bucket(),
                    DatasetName.latestKey(name), "dataset '" + name + "' has no version in bucket '" + store.bucket()
                    + "' (push one with `oneshot dataset push DIR --name " + name + "`)", null));
        }
        String v = version.toLowerCase(Locale.ROOT);
        if (!ID_PREFIX.matcher(v).matches()) {
            throw new IllegalArgumentException("dataset version '" + ObjectStore.printable(version) + "' must be a"
                    + " version id or its first 8 or more characters (hex)");
        }
        List<Version> all = list(name);
        List<Version> match = all.stream().filter(x -> x.id().startsWith(v)).toList();
        if (match.size() > 1) {
            throw new IllegalArgumentException("dataset version '" + version + "' of '" + name + "' is ambiguous: "
                    + match.stream().map(Version::id).toList());
        }
        if (match.isEmpty()) {
            throw new MissingObjectException(store.bucket(), DatasetName.versionKey(name, v), "dataset '" + name
                    + "' has no version " + v + " in bucket '" + store.bucket() + "' (versions: "
                    + (all.isEmpty() ? "none" : all.stream().map(Version::shortId).toList()) + ")", null);
        }
        return match.get(0);
    }

    /**
     * Removes version {@code v}: its manifest, and every blob no other version of the dataset lists; the
     * {@code latest} pointer moves to the newest remaining version (or goes). A legacy version's files are removed
     * with it. The caller has made sure no run refers to it.
     *
     * @return the objects removed
     */
    public int remove(Version v, Path tmpDir) {
        List<Version> others = list(v.name()).stream().filter(o -> !o.id().equals(v.id())).toList();
        Set<String> kept = new HashSet<>();
        for (Version o : others) {
            manifest(o, tmpDir).files().forEach(e -> kept.add(o.objectKey(e)));
        }
        Manifest m = manifest(v, tmpDir);
        int removed = 0;
        // the manifest first: a removal cut short leaves unlisted blobs, never a version whose files are gone
        store.delete(v.manifestKey());
        removed++;
        for (Manifest.Entry e : m.files()) {
            String key = v.objectKey(e);
            if (kept.add(key)) {
                store.delete(key);
                removed++;
            }
        }
        String rest = readText(DatasetName.latestKey(v.name())).map(t -> t.lines().filter(l -> !l.startsWith(v.id()))
                .map(l -> l + "\n").reduce("", String::concat)).orElse("");
        if (rest.isEmpty()) {
            store.delete(DatasetName.latestKey(v.name()));
        } else {
            store.put(DatasetName.latestKey(v.name()), rest.getBytes(StandardCharsets.UTF_8));
        }
        return removed;
    }

    /** A version's manifest, read and checked against its id. */
    public Manifest manifest(Version v, Path tmpDir) {
        Path file;
        try {
            Files.createDirectories(tmpDir);
            file = Files.createTempFile(tmpDir, "manifest-", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write in " + tmpDir + ": " + e.getMessage(), e);
        }
        try {
            ObjectInfo got = store.get(v.manifestKey(), file);
            if (!got.sha256().equals(v.id())) {
                throw new IllegalStateException("object " + store.bucket() + "/" + v.manifestKey() + " has SHA-256 "
                        + got.sha256() + ", not the version's id " + v.id());
            }
            return Manifest.read(file);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file; the next run of the folder's owner removes it
            }
        }
    }

    private Optional<String> readText(String key) {
        if (store.stat(key).isEmpty()) {
            return Optional.empty();
        }
        try {
            Path tmp = Files.createTempFile("oneshot-", ".txt");
            try {
                store.get(key, tmp);
                return Optional.of(Files.readString(tmp, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }
}
