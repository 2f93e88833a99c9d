package com.oneshotct.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the segmentation part of a dataset (CNCB-NCOV layout), checking every image and mask.
 *
 * <p>Two layouts, told apart by whether {@code imgs/} or {@code masks/} sits directly in the root:
 * <ul>
 *   <li>split folders: {@code <split>/imgs/<name>.png|jpg} + {@code <split>/masks/<name>.png}; an optional
 *       {@code <split>_split_segmentation.txt} next to the folders selects and orders that split's items;</li>
 *   <li>flat: {@code imgs/} + {@code masks/} directly; each {@code <x>_split_segmentation.txt} defines split
 *       {@code x} over them; with no list the whole folder is split {@code all}.</li>
 * </ul>
 * Without a list every image needs its mask and every mask its image, and items come in name order. With a list
 * only the listed items are read (files it does not name are ignored), in list order. Splits come sorted by name.
 * An image is decoded in full to find truncation; its mask is decoded and split into {@link Components}.
 */
public final class SegmentationReader {
    public static final String LIST_SUFFIX = "_split_segmentation.txt";
    /** The split of a flat layout without lists. */
    public static final String ALL = "all";

    private SegmentationReader() {}

    /** Every item of every split under {@code segRoot} (the {@code segmentation/} folder), splits sorted. */
    public static List<SegmentationItem> read(Path segRoot) {
        if (!Files.isDirectory(segRoot)) {
            throw new DataException(segRoot, "segmentation folder missing");
        }
        Map<String, SplitList> lists = SplitList.find(segRoot, LIST_SUFFIX);
        List<SegmentationItem> out = new ArrayList<>();
        Path imgs = segRoot.resolve("imgs");
        Path masks = segRoot.resolve("masks");
        if (Files.isDirectory(imgs) || Files.isDirectory(masks)) {
            if (lists.isEmpty()) {
                out.addAll(readSplit(ALL, imgs, masks, null));
            } else {
                for (SplitList list : lists.values()) {
                    out.addAll(readSplit(list.split(), imgs, masks, list));
                }
            }
            return out;
        }
        Map<String, Path> splits = new TreeMap<>();
        for (Path dir : ImageFiles.list(segRoot)) {
            if (Files.isDirectory(dir.resolve("imgs")) || Files.isDirectory(dir.resolve("masks"))) {
                splits.put(dir.getFileName().toString(), dir);
            }
        }
        if (splits.isEmpty()) {
            throw new DataException(segRoot, "empty split: no segmentation items (expected <split>/imgs and"
                    + " <split>/masks, or imgs and masks directly)");
        }
        for (SplitList list : lists.values()) {
            if (!splits.containsKey(list.split())) {
                throw new DataException(list.file(), "split list without a folder: no " + segRoot.resolve(list.split())
                        + " with imgs/ and masks/");
            }
        }
        for (Map.Entry<String, Path> e : splits.entrySet()) {
            Path dir = e.getValue();
            out.addAll(readSplit(e.getKey(), dir.resolve("imgs"), dir.resolve("masks"), lists.get(e.getKey())));
        }
        return out;
    }

    private static List<SegmentationItem> readSplit(String split, Path imgs, Path masks, SplitList list) {
        Map<String, Path> images = ImageFiles.byStem(imgs);
        Map<String, Path> maskFiles = ImageFiles.byStem(masks);
        for (Path m : maskFiles.values()) {
            if (!"png".equals(ImageFiles.extension(m.getFileName().toString()))) {
                throw new DataException(m, "a mask must be a PNG: JPEG compression alters the label values");
            }
        }
        List<SegmentationItem> out = new ArrayList<>();
        if (list == null) {
            TreeSet<String> names = new TreeSet<>(images.keySet());
            names.addAll(maskFiles.keySet());
            for (String name : names) {
                Path image = images.get(name);
                Path mask = maskFiles.get(name);
                if (image == null) {
                    throw new DataException(mask, "mask without image: no " + imgs.resolve(name) + ".png or .jpg");
                }
                if (mask == null) {
                    throw new DataException(image, "image without mask: no " + masks.resolve(name + ".png"));
                }
                out.add(item(split, name, image, mask));
            }
        } else {
            for (SplitList.Entry e : list.entries()) {
                Path image = images.get(e.stem());
                Path mask = maskFiles.get(e.stem());
                String at = " (listed in " + list.file() + " line " + e.line() + ")";
                if (image == null && mask == null) {
                    throw new DataException(list.file(), "line " + e.line() + ": '" + e.tokens().get(0)
                            + "' is missing: neither " + imgs.resolve(e.stem()) + ".png|.jpg nor "
                            + masks.resolve(e.stem() + ".png") + " exists");
                }
                if (image == null) {
                    throw new DataException(mask, "mask without image: no " + imgs.resolve(e.stem()) + ".png or .jpg" + at);
                }
                if (mask == null) {
                    throw new DataException(image, "image without mask: no " + masks.resolve(e.stem() + ".png") + at);
                }
                out.add(item(split, e.stem(), image, mask));
            }
        }
        if (out.isEmpty()) {
            throw new DataException(list != null ? list.file() : imgs, "empty split '" + split + "': no items");
        }
        return out;
    }

    private static SegmentationItem item(String split, String name, Path image, Path mask) {
        GreyImage img = Slices.readSlice(image);
        GreyImage m = Slices.readMask(mask);
        checkSizes(image, img, mask, m);
        return new SegmentationItem(split, name, image, mask, img.width(), img.height(), Components.instances(m));
    }

    static void checkSizes(Path image, GreyImage img, Path mask, GreyImage m) {
        if (img.width() != m.width() || img.height() != m.height()) {
            throw new DataException(mask, "size mismatch: mask is " + m.size() + " but its image " + image + " is "
                    + img.size());
        }
    }
}
