package com.oneshotct.model.train;

import com.oneshotct.model.data.DataException;
import java.nio.file.Path;

/**
 * A sound checkpoint of another training configuration: resuming from it would silently change the run, and no
 * retry or earlier checkpoint of the same run can fix that.
 */
public final class ForeignCheckpointException extends DataException {
    public ForeignCheckpointException(Path file, String problem) {
        super(file, problem);
    }
}
