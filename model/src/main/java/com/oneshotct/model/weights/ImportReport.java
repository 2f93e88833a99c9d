package com.oneshotct.model.weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link WeightImport} did: which file, which of its arrays went where, which it ignored and why, and which
 * parts of the network keep their initialisation. {@link #lines()} is the report the command line prints.
 *
 * @param source the file
 * @param format its format
 * @param picked the key path of a wrapped state dict, {@code ""} when the file is the state dict
 * @param dtypes arrays per element type in the file
 * @param moduleStripped whether every key's {@code module.} prefix (DataParallel's) was removed
 * @param layout how the keys were read
 * @param backbone the network's backbone
 * @param loaded arrays set
 * @param values elements set
 * @param ignored arrays of the file not set, with why
 * @param kept parts of the network not set by the file
 */
public record ImportReport(Path source, WeightFormat format, String picked, Map<String, Integer> dtypes,
        boolean moduleStripped, Layout layout, String backbone, int loaded, long values, List<Ignored> ignored,
        List<Kept> kept) {

    /** How a file's keys map onto the network. */
    public enum Layout {
        /** torchvision's classification ResNet/ResNeXt ({@code conv1.weight}, {@code layer1.0...}, {@code fc.*}). */
        TORCHVISION_BODY("torchvision classification model -> backbone.body"),
        /** The one-shot network's own keys ({@code backbone.body...}, {@code rpn...}, {@code attn_layer...}). */
        WHOLE_MODEL("one-shot model -> whole network");

        private final String label;

        Layout(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** An array of the file that was not set, its shape, and why. */
    public record Ignored(String key, String shape, String reason) {}

    /** A part of the network that keeps its initialisation: its label, key prefixes and number of arrays. */
    public record Kept(String label, List<String> prefixes, int arrays) {}

    /** The report, one line per fact. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        int total = dtypes.values().stream().mapToInt(Integer::intValue).sum();
        List<String> types = new ArrayList<>();
        dtypes.forEach((t, n) -> types.add(t + " " + n));
        out.add(String.format(Locale.ROOT, "read: %s (%s; %d arrays: %s)", source, format, total,
                String.join(", ", types)));
        if (!picked.isEmpty()) {
            out.add("state dict: the file's '" + picked + "'");
        }
        if (moduleStripped) {
            out.add("keys: the 'module.' prefix (DataParallel) removed");
        }
        out.add("layout: " + layout + " (" + backbone + ")");
        out.add(String.format(Locale.ROOT, "loaded: %d arrays, %,d values, into %s", loaded, values,
                layout == Layout.TORCHVISION_BODY ? "backbone.body.*" : "the whole network"));
        for (Ignored i : ignored) {
            out.add("ignored: " + i.key() + " " + i.shape() + ": " + i.reason());
        }
        if (kept.isEmpty()) {
            out.add("kept initialisation: none");
        }
        for (Kept k : kept) {
            out.add(String.format(Locale.ROOT, "kept initialisation: %s (%s, %d arrays)", k.label(),
                    String.join(" ", k.prefixes().stream().map(p -> p + "*").toList()), k.arrays()));
        }
        return out;
    }
}
