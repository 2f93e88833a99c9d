package com.oneshotct.activities.fetch;

import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.DataException;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
     * {@code alive} is called on the calling thread after each classification image, so that a long check can
     * heartbeat (a set of 200 000 slices takes minutes to decode). The classification images are decoded on
     * {@code threads} threads; when several are bad, the first in manifest order is named, whatever the timing.
     */
    static void check(Path folder, String name, Runnable alive, int threads) {
        try {
            CtDataset data = CtDataset.open(folder);
            alive.run();
            decodeAll(data.classification(), alive, threads);
        } catch (DataException e) {
            // the folder is a temporary build: name files by their path in the dataset, as the manifest does
            String message = e.getMessage().replace(folder + File.separator, "").replace(folder.toString(),
                    "the dataset root");
            throw new BadDatasetException("dataset '" + name + "': " + message, e);
        }
    }

    /** On as many threads as the machine has cores. */
    static void check(Path folder, String name, Runnable alive) {
        check(folder, name, alive, Runtime.getRuntime().availableProcessors());
    }

    private static void decodeAll(List<ClassificationItem> items, Runnable alive, int threads) {
        if (threads <= 1 || items.size() < 2) {
            for (ClassificationItem item : items) {
                item.load();
                alive.run();
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
            Thread t = new Thread(r, "dataset-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>(items.size());
            for (ClassificationItem item : items) {
                // a Runnable: the decoded pixels are dropped at once, not held by the future
                done.add(pool.submit(() -> {
                    item.load();
                }));
            }
            // in manifest order: the first failure met here is the first bad file, as the one-thread loop names it
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                alive.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding the dataset", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
