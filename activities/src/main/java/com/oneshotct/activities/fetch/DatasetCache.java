package com.oneshotct.activities.fetch;

import com.oneshotct.activities.store.DatasetName;
import com.oneshotct.activities.store.DatasetVersions;
import com.oneshotct.activities.store.MissingObjectException;
import com.oneshotct.activities.store.ObjectInfo;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.data.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A content-addressed local cache of datasets.
 *
 * <pre>
 * root/blobs/sha256/&lt;hh&gt;/&lt;hash&gt;     every file once, named by its SHA-256, read-only
 * root/datasets/&lt;datasetId&gt;/...       a dataset: hard links to the blobs (copies where links fail) + manifest.json
 * root/tmp/                            downloads and datasets being built
 * </pre>
 *
 * A blob gets its name only after its bytes were checked against the manifest, and a dataset folder gets its
 * name only when complete and readable (a temporary folder, checked, then renamed in one step), so a crash leaves
 * at most files in {@code tmp/}, never a blob with wrong bytes or a half or unreadable dataset that looks complete.
 * The same holds across processes sharing one cache: each builds in its own temporary names, the first rename wins
 * and the loser throws its copy away. Within one JVM, fetches of one dataset take turns (a lock per cache root and
 * dataset id), so they do not download the same objects twice. What {@code tmp/} holds after a crash is not cleaned
 * up here. A dataset whose content is refused leaves only its verified blobs (reused once it is pushed fixed).
 */
public final class DatasetCache {
    public static final String CACHE_DIR_VAR = "ONESHOT_CACHE_DIR";
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path root;

    /** A cache under {@code root}, created if missing. */
    public DatasetCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root.resolve("blobs/sha256"));
            Files.createDirectories(this.root.resolve("datasets"));
            Files.createDirectories(this.root.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the dataset cache in " + this.root + ": " + e.getMessage(),
                    e);
        }
    }

    /** {@code ONESHOT_CACHE_DIR}, or {@code ~/.cache/oneshot}. */
    public static Path defaultRoot(Map<String, String> env) {
        String dir = env.get(CACHE_DIR_VAR);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir.trim());
        }
        return Path.of(System.getProperty("user.home"), ".cache", "oneshot");
    }

    public static DatasetCache fromEnvironment(Map<String, String> env) {
        return new DatasetCache(defaultRoot(env));
    }

    public static DatasetCache fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public Path root() {
        return root;
    }

    /** Where the blob with this SHA-256 lives (whether or not it is there). */
    public Path blob(String sha256) {
        return root.resolve("blobs/sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /** Where the dataset with this id lives once fetched. */
    public Path datasetDir(String datasetId) {
        return root.resolve("datasets").resolve(datasetId);
    }

    public FetchedDataset fetch(ObjectStore store, String name) {
        return fetch(store, name, null, done -> { });
    }

    /** As {@link #fetch(ObjectStore, String, String, LongConsumer)} of the newest version. */
    public FetchedDataset fetch(ObjectStore store, String name, LongConsumer progress) {
        return fetch(store, name, null, progress);
    }

    /**
     * Makes version {@code version} of dataset {@code name} ({@code null}: the newest; else an id or a unique prefix
     * of one) present and verified in the cache, downloading only the blobs the cache lacks. {@code progress} hears
     * the count of files done after each one, and that count again as the content is checked. Throws
     * {@link BadDatasetException} for a bad manifest or object or for unusable content (see {@link ContentCheck};
     * the verified blobs stay, the dataset is not published), {@link MissingObjectException} when the version (or
     * the bucket) is not there, and the store's other exceptions as they come.
     */
    public FetchedDataset fetch(ObjectStore store, String name, String version, LongConsumer progress) {
        DatasetName.check(name);
        DatasetVersions.Version v = new DatasetVersions(store).resolve(name, version);
        Path manifestFile = tmpPath("manifest-");
        try {
            ObjectInfo got = store.get(v.manifestKey(), manifestFile);
            String id = got.sha256();
            if (!id.equals(v.id())) {
                throw new BadDatasetException("dataset '" + name + "': object '" + store.bucket() + "/"
                        + v.manifestKey() + "' has SHA-256 " + id + ", not its version's id " + v.id());
            }
            Manifest manifest = parse(manifestFile, name, store.bucket() + "/" + v.manifestKey());
            ReentrantLock lock = LOCKS.computeIfAbsent(root + "|" + id, k -> new ReentrantLock());
            lock.lock();
            try {
                return fetchLocked(store, v, manifest, manifestFile, progress);
            } finally {
                lock.unlock();
            }
        } finally {
            deleteQuietly(manifestFile);
        }
    }

    private FetchedDataset fetchLocked(ObjectStore store, DatasetVersions.Version v, Manifest manifest,
                                       Path manifestFile, LongConsumer progress) {
        String name = v.name();
        String id = v.id();
        long bytes = manifest.files().stream().mapToLong(Manifest.Entry::size).sum();
        int files = manifest.files().size();
        Path dir = datasetDir(id);
        if (Files.isDirectory(dir)) {
            if (intact(dir, id, manifest, progress)) {
                return new FetchedDataset(id, dir, files, bytes, 0, 0);
            }
            discard(dir);
        }
        int downloaded = 0;
        long downloadedBytes = 0;
        long done = 0;
        for (Manifest.Entry e : manifest.files()) {
            if (ensureBlob(store, name, v.objectKey(e), e)) {
                downloaded++;
                downloadedBytes += e.size();
            }
            progress.accept(++done);
        }
        long filesDone = done;
        publish(dir, name, manifest, manifestFile, () -> progress.accept(filesDone));
        return new FetchedDataset(id, dir, files, bytes, downloaded, downloadedBytes);
    }

    /** Makes the blob of {@code e} present with the right bytes; true when it had to be downloaded. */
    private boolean ensureBlob(ObjectStore store, String name, String key, Manifest.Entry e) {
        Path blob = blob(e.sha256());
        if (Files.isRegularFile(blob)) {
            if (matches(blob, e)) {
                return false;
            }
            deleteQuietly(blob); // damaged in the cache (a write through a hard link, a bad disk): fetch it again
        }
        Path tmp = tmpPath("blob-");
        try {
            ObjectInfo got;
            try {
                got = store.get(key, tmp);
            } catch (MissingObjectException ex) {
                throw new BadDatasetException("dataset '" + name + "': object '" + store.bucket() + "/" + key
                        + "' is listed in the manifest but missing from the store", ex);
            }
            if (got.size() != e.size() || !got.sha256().equals(e.sha256())) {
                throw new BadDatasetException("dataset '" + name + "': object '" + store.bucket() + "/" + key
                        + "' does not match the manifest: " + got.size() + " bytes with SHA-256 " + got.sha256()
                        + ", the manifest says " + e.size() + " bytes with SHA-256 " + e.sha256());
            }
            tmp.toFile().setWritable(false, false);
            Files.createDirectories(blob.getParent());
            Files.move(tmp, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot store blob " + blob + ": " + ex.getMessage(), ex);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Builds the dataset folder under a temporary name from the verified blobs, checks that its images and masks are
     * usable ({@link ContentCheck}, calling {@code alive} as it goes), then renames it into place; a bad dataset
     * leaves no folder behind.
     */
    private void publish(Path dir, String name, Manifest manifest, Path manifestFile, Runnable alive) {
        Path build = tmpPath("dataset-");
        try {
            Files.createDirectory(build);
            for (Manifest.Entry e : manifest.files()) {
                Path target = inside(build, e.path());
                Files.createDirectories(target.getParent());
                try {
                    Files.createLink(target, blob(e.sha256()));
                } catch (IOException | UnsupportedOperationException linkFailed) {
                    Files.copy(blob(e.sha256()), target);
                    target.toFile().setWritable(false, false);
                }
            }
            ContentCheck.check(build, name, alive);
            Files.copy(manifestFile, build.resolve(Manifest.FILE_NAME));
            try {
                Files.move(build, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another process published the same id (same manifest bytes, so the same content) first
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build dataset folder " + dir + ": " + e.getMessage(), e);
        } finally {
            if (Files.exists(build)) {
                deleteTree(build);
            }
        }
    }

    /** Whether the published folder still holds exactly the manifest's bytes (files can be damaged in place). */
    private boolean intact(Path dir, String id, Manifest manifest, LongConsumer progress) {
        try {
            if (!id.equals(Manifest.sha256(dir.resolve(Manifest.FILE_NAME)))) {
                return false;
            }
            long done = 0;
            for (Manifest.Entry e : manifest.files()) {
                Path f = inside(dir, e.path());
                if (!Files.isRegularFile(f) || !matches(f, e)) {
                    return false;
                }
                progress.accept(++done);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean matches(Path file, Manifest.Entry e) {
        try {
            return Files.size(file) == e.size() && Manifest.sha256(file).equals(e.sha256());
        } catch (IOException ex) {
            return false;
        }
    }

    /**
     * Reads the downloaded manifest; every problem becomes a {@link BadDatasetException} naming the object. Beyond
     * {@link Manifest#read}'s checks it refuses an entry that is another entry's folder ("a" and "a/b").
     */
    private Manifest parse(Path file, String name, String object) {
        Manifest m;
        try {
            m = Manifest.read(file);
        } catch (DataException e) {
            String problem = e.getMessage().substring(String.valueOf(e.file()).length() + 2);
            throw new BadDatasetException("dataset '" + name + "': manifest '" + object + "': " + problem, e);
        }
        Set<String> paths = new HashSet<>();
        m.files().forEach(e -> paths.add(e.path()));
        for (Manifest.Entry e : m.files()) {
            for (int i = e.path().indexOf('/'); i > 0; i = e.path().indexOf('/', i + 1)) {
                if (paths.contains(e.path().substring(0, i))) {
                    throw new BadDatasetException("dataset '" + name + "': manifest '" + object + "' lists both "
                            + e.path().substring(0, i) + " and " + e.path() + " (a file cannot also be a folder)");
                }
            }
        }
        return m;
    }

    /** {@code base/rel}, refusing anything that would land outside {@code base} (the manifest checks it too). */
    private static Path inside(Path base, String rel) {
        Path p = base.resolve(rel).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new BadDatasetException("manifest path '" + rel + "' leaves the dataset folder");
        }
        return p;
    }

    private Path tmpPath(String prefix) {
        return root.resolve("tmp").resolve(prefix + UUID.randomUUID());
    }

    /** Moves a damaged dataset folder out of the way in one step, then deletes it. */
    private void discard(Path dir) {
        Path trash = tmpPath("stale-");
        try {
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the damaged dataset folder " + dir + " away: "
                    + e.getMessage(), e);
        }
        deleteTree(trash);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(DatasetCache::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            // a leftover in tmp/ is harmless: nothing reads it
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // tmp/ leftovers are harmless, and a blob that cannot be deleted is re-checked on every fetch
        }
    }
}
