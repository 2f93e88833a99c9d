package com.oneshotct.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset root: {@code segmentation/} (see {@link SegmentationReader}) and {@code classification/} (see
 * {@link ClassificationReader}). Either may be absent, not both.
 *
 * @param root the folder it was opened from
 * @param segmentation the segmentation items, splits sorted, items in list or name order
 * @param classification the classification items, same order
 */
public record CtDataset(Path root, List<SegmentationItem> segmentation, List<ClassificationItem> classification) {
    public static final String SEGMENTATION = "segmentation";
    public static final String CLASSIFICATION = "classification";

    public CtDataset {
        segmentation = List.copyOf(segmentation);
        classification = List.copyOf(classification);
    }

    /**
     * Reads both parts. Segmentation images and masks are decoded and checked; classification images are only
     * listed (call {@link ClassificationReader#verify} to decode them).
     */
    public static CtDataset open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataException(root, "dataset folder missing");
        }
        Path seg = root.resolve(SEGMENTATION);
        Path cls = root.resolve(CLASSIFICATION);
        if (!Files.isDirectory(seg) && !Files.isDirectory(cls)) {
            throw new DataException(root, "empty dataset: neither " + SEGMENTATION + "/ nor " + CLASSIFICATION
                    + "/ is there");
        }
        List<SegmentationItem> s = Files.isDirectory(seg) ? SegmentationReader.read(seg) : List.of();
        List<ClassificationItem> c = Files.isDirectory(cls) ? ClassificationReader.read(cls) : List.of();
        return new CtDataset(root, s, c);
    }
}
