package com.oneshotct.activities.store;

import java.util.regex.Pattern;

/** Dataset names and the object keys under them: {@code datasets/<name>/<path>}. */
public final class DatasetName {
    // lower case, so that a name means the same on case-insensitive file systems and in S3 consoles
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private DatasetName() {}

    /** Throws IllegalArgumentException naming the rule when {@code name} breaks it; returns it otherwise. */
    public static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("dataset name '" + ObjectStore.printable(name) + "' must be 1-63 characters of a-z, 0-9,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** {@code datasets/<name>/}, the prefix of every object of the dataset. */
    public static String prefix(String name) {
        return "datasets/" + check(name) + "/";
    }

    /** {@code datasets/<name>/manifest.json}. */
    public static String manifestKey(String name) {
        return prefix(name) + com.oneshotct.model.data.Manifest.FILE_NAME;
    }
}
