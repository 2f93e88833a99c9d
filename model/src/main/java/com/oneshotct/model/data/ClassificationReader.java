package com.oneshotct.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Reads the classification part of a dataset (COVIDx-CT / iCTCF layout): slices named
 * {@code <class>_<patient>_<scan>_<slice>.png|jpg}, class 0 Normal, 1 CP, 2 COVID-19 (the 2-class iCTCF sets use
 * 0 and 2 only, which needs nothing special).
 *
 * <p>Two layouts, told apart by whether image files sit directly in the root:
 * <ul>
 *   <li>split folders: {@code <split>/<name>.png}; an optional {@code <split>_split_classification.txt} next to
 *       the folders selects and orders that split's items;</li>
 *   <li>flat: images directly in the root; each {@code <x>_split_classification.txt} defines split {@code x};
 *       with no list the whole folder is split {@code all}.</li>
 * </ul>
 * A list line's first token is the file (with or without extension); if its second token is an integer, it is the
 * class (COVIDx-CT's {@code name class x1 y1 x2 y2}) and must agree with the file-name prefix.
 *
 * <p>Names: split on {@code _}, at least 4 parts; the first is the class and must be 0, 1 or 2; the last two are
 * scan and slice, everything between is the patient. Nothing else about them is checked.
 *
 * <p>Reading only lists files: a classification set can hold tens of thousands of slices. {@link #verify} decodes
 * them all.
 */
public final class ClassificationReader {
    public static final String LIST_SUFFIX = "_split_classification.txt";
    /** The split of a flat layout without lists. */
    public static final String ALL = "all";

    private ClassificationReader() {}

    /** Every item of every split under {@code clsRoot} (the {@code classification/} folder), splits sorted. */
    public static List<ClassificationItem> read(Path clsRoot) {
        if (!Files.isDirectory(clsRoot)) {
            throw new DataException(clsRoot, "classification folder missing");
        }
        Map<String, SplitList> lists = SplitList.find(clsRoot, LIST_SUFFIX);
        Map<String, Path> flat = ImageFiles.byStem(clsRoot);
        List<ClassificationItem> out = new ArrayList<>();
        if (!flat.isEmpty()) {
            if (lists.isEmpty()) {
                out.addAll(readSplit(ALL, clsRoot, flat, null));
            } else {
                for (SplitList list : lists.values()) {
                    out.addAll(readSplit(list.split(), clsRoot, flat, list));
                }
            }
            return out;
        }
        Map<String, Path> splits = new TreeMap<>();
        for (Path dir : ImageFiles.list(clsRoot)) {
            if (Files.isDirectory(dir)) {
                splits.put(dir.getFileName().toString(), dir);
            }
        }
        if (splits.isEmpty()) {
            throw new DataException(clsRoot, "empty split: no classification images (expected <split>/<name>.png"
                    + " or <name>.png directly)");
        }
        for (SplitList list : lists.values()) {
            if (!splits.containsKey(list.split())) {
                throw new DataException(list.file(), "split list without a folder: no " + clsRoot.resolve(list.split()));
            }
        }
        for (Map.Entry<String, Path> e : splits.entrySet()) {
            Path dir = e.getValue();
            out.addAll(readSplit(e.getKey(), dir, ImageFiles.byStem(dir), lists.get(e.getKey())));
        }
        return out;
    }

    /** Decodes every item's image, so that an unreadable or truncated one fails now rather than mid-training. */
    public static void verify(List<ClassificationItem> items) {
        verify(items, 1, done -> { });
    }

    /**
     * Decodes every item's image on {@code threads} threads; when several are bad, the {@link DataException} of the
     * first in list order is thrown, whatever the timing. {@code progress} is called on the calling thread with the
     * number checked so far, in order, after each item.
     */
    public static void verify(List<ClassificationItem> items, int threads, IntConsumer progress) {
        if (threads <= 1 || items.size() < 2) {
            for (int i = 0; i < items.size(); i++) {
                items.get(i).load();
                progress.accept(i + 1);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
            Thread t = new Thread(r, "slice-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>(items.size());
            for (ClassificationItem item : items) {
                done.add(pool.submit(() -> {
                    item.load(); // a Runnable: the pixels are dropped at once, not held by the future
                }));
            }
            for (int i = 0; i < done.size(); i++) {
                try {
                    done.get(i).get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                progress.accept(i + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the slices", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The class a file name's prefix gives; the name must have the four parts described in the class comment. */
    public static ImageClass classOf(Path file) {
        String name = ImageFiles.stem(file.getFileName().toString());
        String[] parts = name.split("_", -1);
        if (parts.length < 4) {
            throw new DataException(file, "file name must be <class>_<patient>_<scan>_<slice> (class 0 Normal, 1 CP,"
                    + " 2 COVID-19), got " + parts.length + " part" + (parts.length == 1 ? "" : "s"));
        }
        return switch (parts[0]) {
            case "0" -> ImageClass.NORMAL;
            case "1" -> ImageClass.CP;
            case "2" -> ImageClass.COVID;
            default -> throw new DataException(file, "unknown class prefix '" + parts[0]
                    + "' (0 Normal, 1 CP, 2 COVID-19)");
        };
    }

    private static List<ClassificationItem> readSplit(String split, Path dir, Map<String, Path> images, SplitList list) {
        List<ClassificationItem> out = new ArrayList<>();
        if (list == null) {
            for (Map.Entry<String, Path> e : images.entrySet()) {
                out.add(new ClassificationItem(split, e.getKey(), e.getValue(), classOf(e.getValue())));
            }
        } else {
            for (SplitList.Entry e : list.entries()) {
                Path image = images.get(e.stem());
                if (image == null) {
                    throw new DataException(list.file(), "line " + e.line() + ": '" + e.tokens().get(0)
                            + "' is listed but " + dir.resolve(e.tokens().get(0)) + " does not exist");
                }
                ImageClass label = classOf(image);
                if (e.tokens().size() > 1 && e.tokens().get(1).matches("[+-]?\\d{1,9}")) {
                    int listed = Integer.parseInt(e.tokens().get(1));
                    if (listed != label.index) {
                        throw new DataException(list.file(), "line " + e.line() + ": class " + listed + " disagrees"
                                + " with the prefix of " + image.getFileName() + " (class " + label.index + ")");
                    }
                }
                out.add(new ClassificationItem(split, e.stem(), image, label));
            }
        }
        if (out.isEmpty()) {
            throw new DataException(list != null ? list.file() : dir, "empty split '" + split + "': no items");
        }
        return out;
    }
}
