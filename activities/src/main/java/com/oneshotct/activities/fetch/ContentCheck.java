package com.oneshotct.activities.fetch;

import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.DataException;
import java.io.File;
import java.nio.file.Path;

/**
 * Reads a dataset folder as training and evaluation will, before the cache publishes it, so that bad content fails
 * the fetch stage (non-retryable) instead of an attempt deep inside training: every segmentation image and mask is
 * decoded and checked (pairs, sizes, label values, splits, names), and every classification image is decoded too,
 * since the readers only list those. The hashes say the bytes arrived as pushed; only this says they are usable.
 */
final class ContentCheck {
    private ContentCheck() {}

    /**
     * Throws a {@link BadDatasetException} naming the dataset, the file by its path inside it, and the problem.
     * {@code alive} is called after each classification image, so that a long check can heartbeat (a set of 200 000
     * slices takes minutes to decode).
     */
    static void check(Path folder, String name, Runnable alive) {
        try {
            CtDataset data = CtDataset.open(folder);
            alive.run();
            for (ClassificationItem item : data.classification()) {
                item.load();
                alive.run();
            }
        } catch (DataException e) {
            // the folder is a temporary build: name files by their path in the dataset, as the manifest does
            String message = e.getMessage().replace(folder + File.separator, "").replace(folder.toString(),
                    "the dataset root");
            throw new BadDatasetException("dataset '" + name + "': " + message, e);
        }
    }
}
