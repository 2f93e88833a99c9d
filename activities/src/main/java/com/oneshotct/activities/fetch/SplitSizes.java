package com.oneshotct.activities.fetch;

import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.Manifest;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Images per split, counted from a manifest's paths without opening a file: {@code segmentation/<split>/imgs/*}
 * and {@code classification/<split>/*}, keyed {@code "segmentation/<split>"} and {@code "classification/<split>"}.
 * The flat layouts ({@code segmentation/imgs/*}, images directly in {@code classification/}) count as split
 * {@code all}, since their splits live in list files that a path count cannot read. Masks, list files and other
 * files are not images and are not counted.
 */
public final class SplitSizes {
    private SplitSizes() {}

    public static Map<String, Integer> of(Manifest manifest) {
        Map<String, Integer> out = new TreeMap<>();
        for (Manifest.Entry e : manifest.files()) {
            String split = splitOf(e.path().split("/"));
            if (split != null) {
                out.merge(split, 1, Integer::sum);
            }
        }
        return out;
    }

    private static String splitOf(String[] p) {
        String last = p[p.length - 1];
        if (!isImage(last)) {
            return null;
        }
        if (p[0].equals(CtDataset.SEGMENTATION)) {
            if (p.length == 4 && p[2].equals("imgs")) {
                return CtDataset.SEGMENTATION + "/" + p[1];
            }
            if (p.length == 3 && p[1].equals("imgs")) {
                return CtDataset.SEGMENTATION + "/all";
            }
        } else if (p[0].equals(CtDataset.CLASSIFICATION)) {
            if (p.length == 3) {
                return CtDataset.CLASSIFICATION + "/" + p[1];
            }
            if (p.length == 2) {
                return CtDataset.CLASSIFICATION + "/all";
            }
        }
        return null;
    }

    /** The readers' rule: .png, .jpg or .jpeg in any case, hidden files excepted. */
    private static boolean isImage(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }
}
