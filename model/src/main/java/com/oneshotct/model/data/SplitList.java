package com.oneshotct.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A split list file such as {@code train_split_segmentation.txt}: one item per line, first whitespace-separated token
 * the item (a file name or a name without extension), further tokens free (COVIDx-CT writes
 * {@code name class x1 y1 x2 y2}). Blank lines and lines starting with {@code #} are skipped. The list selects and
 * orders the items of its split; an item listed twice is an error.
 */
record SplitList(Path file, String split, List<SplitList.Entry> entries) {

    /**
     * One listed item.
     *
     * @param stem the first token without its image extension
     * @param line the 1-based line number, for error messages
     * @param tokens all tokens of the line
     */
    record Entry(String stem, int line, List<String> tokens) {}

    /** The lists {@code <split><suffix>} directly in {@code dir}, by split name, sorted. */
    static Map<String, SplitList> find(Path dir, String suffix) {
        Map<String, SplitList> out = new TreeMap<>();
        for (Path file : ImageFiles.list(dir)) {
            String name = file.getFileName().toString();
            if (name.endsWith(suffix) && name.length() > suffix.length() && Files.isRegularFile(file)) {
                String split = name.substring(0, name.length() - suffix.length());
                out.put(split, read(file, split));
            }
        }
        return out;
    }

    static SplitList read(Path file, String split) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file, "cannot read split list: " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            List<String> tokens = List.of(text.split("\\s+"));
            String stem = ImageFiles.stem(tokens.get(0));
            Integer before = firstLine.putIfAbsent(stem, i + 1);
            if (before != null) {
                throw new DataException(file, "line " + (i + 1) + ": '" + tokens.get(0) + "' is listed twice (first at line "
                        + before + ")");
            }
            entries.add(new Entry(stem, i + 1, tokens));
        }
        return new SplitList(file, split, entries);
    }
}
