package com.oneshotct.activities.train;

import com.oneshotct.db.Checkpoint;

/** A recorded checkpoint whose object is missing or whose bytes do not match the SHA-256 the registry holds. */
public final class CorruptCheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Checkpoint checkpoint;

    public CorruptCheckpointException(Checkpoint checkpoint, String problem) {
        super("checkpoint of iteration " + checkpoint.iteration() + " (id " + checkpoint.id() + "): " + problem);
        this.checkpoint = checkpoint;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }
}
