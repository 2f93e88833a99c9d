package com.oneshotct.model.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The image files of a folder, by name without extension. Only {@code .png}, {@code .jpg} and {@code .jpeg}
 * (any case) count; hidden files and anything else (list files, thumbnails) are ignored. An image name that is a
 * broken or looping symbolic link is an error naming it: it is a slice meant to be there.
 */
final class ImageFiles {
    /** Links followed before a chain counts as a loop, as Linux's own limit. */
    private static final int MAX_LINKS = 40;

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
            if (!isImage(name)) {
                continue;
            }
            if (!Files.isRegularFile(file)) {
                checkLink(file); // a slice behind a dead link is an error, not a file to skip
                continue; // a folder named like an image
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

    /**
     * Throws a {@link DataException} naming {@code file} when it is a symbolic link that leads to no file: a broken
     * link (its target, or a link on the way to it, is missing) or a loop. Anything else passes.
     */
    static void checkLink(Path file) {
        if (!Files.isSymbolicLink(file)) {
            return;
        }
        try {
            file.toRealPath();
            return;
        } catch (IOException e) {
            // classified below by following the chain ourselves: the exception's wording is the platform's
        }
        Set<Path> seen = new HashSet<>();
        Path at = file;
        try {
            while (Files.isSymbolicLink(at)) {
                if (!seen.add(at.toAbsolutePath().normalize()) || seen.size() > MAX_LINKS) {
                    throw new DataException(file, "symbolic link loop: following it comes back to " + at);
                }
                Path target = Files.readSymbolicLink(at);
                Path parent = at.toAbsolutePath().getParent();
                at = parent == null ? target : parent.resolve(target);
                if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                    throw new DataException(file, "broken symbolic link: its target " + at + " does not exist");
                }
            }
        } catch (IOException e) {
            throw new DataException(file, "unreadable symbolic link: " + e.getMessage(), e);
        }
        // the chain ends in a file, but a folder on its way is a dead link or loop itself
        throw new DataException(file, "broken symbolic link: " + at + " cannot be reached");
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
