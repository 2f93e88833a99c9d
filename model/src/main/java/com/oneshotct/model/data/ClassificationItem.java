package com.oneshotct.model.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One slice of a classification split. Its name is {@code <class>_<patient>_<scan>_<slice>}; the class prefix
 * gives the label, the other parts are kept as written (see {@link ClassificationReader}).
 *
 * @param split the split it belongs to (its sub-folder or its list's name)
 * @param name the file name without extension
 * @param image the slice
 * @param label the class of the file-name prefix
 */
public record ClassificationItem(String split, String name, Path image, ImageClass label) {

    /** Everything between the class prefix and the last two parts (it may itself contain underscores). */
    public String patient() {
        String[] p = name.split("_", -1);
        return String.join("_", Arrays.copyOfRange(p, 1, p.length - 2));
    }

    public String scan() {
        String[] p = name.split("_", -1);
        return p[p.length - 2];
    }

    public String slice() {
        String[] p = name.split("_", -1);
        return p[p.length - 1];
    }

    /** Reads the slice's pixels (8-bit grey). */
    public GreyImage load() {
        return Slices.readSlice(image);
    }
}
