package com.oneshotct.activities.train;

import com.oneshotct.activities.Failures;
import com.oneshotct.activities.fetch.BadDatasetException;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.fetch.FetchedDataset;
import com.oneshotct.activities.store.MissingObjectException;
import com.oneshotct.activities.store.ObjectInfo;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.db.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a training or evaluation attempt needs on its own host, whichever host the run started on: the dataset in
 * this worker's cache (fetched again if missing, and checked to be the content the run registered), and checkpoint
 * files downloaded from object storage and verified against the SHA-256 the registry holds.
 */
public final class RunFiles {
    private final ObjectStore store;
    private final DatasetCache cache;
    private final Path work;

    /** @param work a folder of this worker for downloaded checkpoints and checkpoints being written */
    public RunFiles(ObjectStore store, DatasetCache cache, Path work) {
        this.store = store;
        this.cache = cache;
        this.work = work;
    }

    public ObjectStore store() {
        return store;
    }

    /**
     * Version {@code expectedId} of the dataset (the one the run's fetch pinned; null: the newest) in this worker's
     * cache, fetched by its id whatever has been pushed since.
     */
    public FetchedDataset dataset(String name, String expectedId) {
        FetchedDataset f;
        try {
            f = cache.fetch(store, name, expectedId, done -> { });
        } catch (BadDatasetException e) {
            throw Failures.badData(e.getMessage());
        } catch (MissingObjectException e) {
            throw Failures.notFound("dataset '" + name + "' version " + expectedId + " is gone from the object store ("
                    + e.getMessage() + ")");
        }
        return f;
    }

    /**
     * The checkpoint's file on this host, downloaded when not already here and verified: a missing object or one
     * whose bytes do not match the recorded SHA-256 is a {@link CorruptCheckpointException}.
     */
    public Path checkpoint(Checkpoint c) {
        Path local = work.resolve("checkpoints").resolve(c.sha256() + ".ckpt");
        try {
            if (Files.exists(local) && com.oneshotct.model.train.Checkpoint.sha256(local).equals(c.sha256())) {
                return local;
            }
            ObjectInfo got = store.get(c.objectKey(), local);
            if (!got.sha256().equals(c.sha256())) {
                Files.deleteIfExists(local);
                throw new CorruptCheckpointException(c, "object " + c.objectKey() + " has SHA-256 " + got.sha256()
                        + ", the registry recorded " + c.sha256());
            }
            return local;
        } catch (MissingObjectException e) {
            throw new CorruptCheckpointException(c, "object " + c.objectKey() + " is missing from the store");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + local + ": " + e.getMessage(), e);
        }
    }

    /** A fresh local path for a checkpoint this attempt is about to write. */
    public Path outgoing(String workflowId, int attempt) {
        Path dir = work.resolve("outgoing").resolve(workflowId.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir.resolve("attempt-" + attempt + ".ckpt");
    }
}
