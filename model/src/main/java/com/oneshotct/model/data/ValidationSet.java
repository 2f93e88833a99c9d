package com.oneshotct.model.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The images a checkpoint is validated on while its run trains: the dataset's validation split, or, for a task
 * (segmentation, classification) that has none, its training split; either way at most {@code maxPerTask} images
 * of each task, evenly spaced in list order (so a subset spans the patients instead of taking the first few). The
 * choice depends on the dataset alone, so every checkpoint of a run is scored on the same images.
 *
 * <p>Scores on training images measure fit, not generalisation: {@link #imagesFrom} says so, and the registry keeps
 * it with the scores.
 *
 * @param imagesFrom what was taken, for the record; null when every image of split {@value #VAL} was
 * @param segmentation the segmentation images
 * @param classification the classification images
 */
public record ValidationSet(String imagesFrom, List<SegmentationItem> segmentation,
        List<ClassificationItem> classification) {
    public static final String TRAIN = "train";
    /** The name validation scores are recorded under, whichever split they came from. */
    public static final String VAL = "val";

    public ValidationSet {
        segmentation = List.copyOf(segmentation);
        classification = List.copyOf(classification);
    }

    /**
     * @param split the validation split's name ({@code val})
     * @param maxPerTask the most images of each task, 1 or more
     * @throws IllegalArgumentException if neither task has an image in {@code split} or in the training split
     */
    public static ValidationSet of(CtDataset data, String split, int maxPerTask) {
        if (maxPerTask < 1) {
            throw new IllegalArgumentException("at least 1 validation image per task, got " + maxPerTask);
        }
        List<String> notes = new ArrayList<>();
        boolean[] partial = {false};
        List<SegmentationItem> seg = pick(data.segmentation(), SegmentationItem::split, split, maxPerTask,
                "segmentation", notes, partial);
        List<ClassificationItem> cls = pick(data.classification(), ClassificationItem::split, split, maxPerTask,
                "classification", notes, partial);
        if (seg.isEmpty() && cls.isEmpty()) {
            throw new IllegalArgumentException("dataset " + data.root() + " has no images in split '" + split
                    + "' nor in split '" + TRAIN + "' to validate on");
        }
        return new ValidationSet(partial[0] ? String.join("; ", notes) : null, seg, cls);
    }

    public int size() {
        return segmentation.size() + classification.size();
    }

    private static <T> List<T> pick(List<T> all, Function<T, String> splitOf, String split, int max, String task,
            List<String> notes, boolean[] partial) {
        String from = split;
        List<T> items = all.stream().filter(i -> splitOf.apply(i).equals(split)).toList();
        if (items.isEmpty()) {
            from = TRAIN;
            items = all.stream().filter(i -> splitOf.apply(i).equals(TRAIN)).toList();
        }
        if (items.isEmpty()) {
            return items;
        }
        List<T> chosen = spaced(items, max);
        boolean whole = chosen.size() == items.size();
        String note = task + ": " + (whole ? "all " + items.size() : chosen.size() + " of " + items.size()
                + " (evenly spaced)") + " images of split '" + from + "'";
        if (!from.equals(split)) {
            note += ", the dataset has no '" + split + "' " + task + " split";
        }
        notes.add(note);
        partial[0] |= !whole || !from.equals(VAL);
        return chosen;
    }

    /** {@code max} items at positions floor(i * n / max), or all of them when there are no more than max. */
    static <T> List<T> spaced(List<T> items, int max) {
        int n = items.size();
        if (n <= max) {
            return items;
        }
        List<T> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(items.get((int) ((long) i * n / max)));
        }
        return out;
    }
}
