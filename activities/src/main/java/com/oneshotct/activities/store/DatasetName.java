package com.oneshotct.activities.store;

import com.oneshotct.model.data.Manifest;
import java.util.regex.Pattern;

/**
 * Dataset names and the object keys under them. A dataset is a series of immutable versions:
 *
 * <pre>
 * datasets/&lt;name&gt;/versions/&lt;id&gt;.json   a version's manifest; id is the SHA-256 of these bytes
 * datasets/&lt;name&gt;/blobs/&lt;sha256&gt;       every file of every version once, named by its SHA-256
 * datasets/&lt;name&gt;/latest              the pushes in order, the newest last: the one object a push replaces
 * </pre>
 *
 * A version's objects are never written again, so what a run trained on can be fetched as long as the version is
 * not removed. Datasets pushed before versions existed keep their layout ({@code datasets/<name>/manifest.json}
 * beside the files at their paths), read as one version.
 */
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

    /** {@code datasets/<name>/versions/}. */
    public static String versionsPrefix(String name) {
        return prefix(name) + "versions/";
    }

    /** {@code datasets/<name>/versions/<id>.json}. */
    public static String versionKey(String name, String id) {
        return versionsPrefix(name) + id + ".json";
    }

    /** {@code datasets/<name>/blobs/<sha256>}. */
    public static String blobKey(String name, String sha256) {
        return prefix(name) + "blobs/" + sha256;
    }

    /** {@code datasets/<name>/latest}: one {@code <id> <epoch ms>} line per push, the newest last. */
    public static String latestKey(String name) {
        return prefix(name) + "latest";
    }

    /** {@code datasets/<name>/manifest.json}: the manifest of a dataset pushed before versions existed. */
    public static String manifestKey(String name) {
        return prefix(name) + Manifest.FILE_NAME;
    }
}
