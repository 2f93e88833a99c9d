package com.oneshotct.model.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The image files of a folder, by name without extension. Only {@code .png}, {@code .jpg} and {@code .jpeg}
 * (any case) count; hidden files and anything else (list files, thumbnails) are ignored.
 */
final class ImageFiles {
    private ImageFiles() {}

    static boolean isImage(String fileName) {
        return !fileName.startsWith(".") && extension(fileName) != null;
    }

    /** The known image extension of a file name, lower case without the dot, or null. */
    static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return ext.equals("png") || ext.equals("jpg") || ext.equals("jpeg") ? ext : null;
    }

    /** The name without a known image extension; other names are returned as they are. */
    static String stem(String fileName) {
        return extension(fileName) == null ? fileName : fileName.substring(0, fileName.lastIndexOf('.'));
    }

    /** Image files of {@code dir} by stem, sorted by stem; two files with one stem are an error. */
    static Map<String, Path> byStem(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir, "folder missing");
        }
        Map<String, Path> out = new TreeMap<>();
        for (Path file : list(dir)) {
            String name = file.getFileName().toString();
            if (!isImage(name) || !Files.isRegularFile(file)) {
                continue;
            }
            Path other = out.put(stem(name), file);
            if (other != null) {
                Path first = other.getFileName().toString().compareTo(name) < 0 ? other : file;
                Path second = first == file ? other : file;
                throw new DataException(second, "two images named '" + stem(name) + "' with different extensions: "
                        + first.getFileName() + " and " + second.getFileName() + "; keep one");
            }
        }
        return out;
    }

    /** The entries of a folder, sorted by name so that errors come out the same on every file system. */
    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.toList());
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
