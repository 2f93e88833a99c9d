package com.oneshotct.model.data;

import java.nio.file.Path;

/**
 * Bad input data: the message always names the offending file (or folder) and the problem.
 * Callers treat it as non-retryable: retrying cannot fix the data.
 */
public class DataException extends RuntimeException {
    private final transient Path file;

    public DataException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file or folder at fault. */
    public Path file() {
        return file;
    }
}
