package com.oneshotct.model.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the state dict in what a {@code torch.save} file holds: the top-level dict itself when every value is a
 * tensor, else the dict of tensors under a key ({@code {"model_weights": sd, "optimizer_state": ..., "epoch": ...}}
 * as the authors' {@code train.py} saves, {@code {"state_dict": sd, ...}}, ...). The search goes level by level, at
 * most {@value #DEPTH} deep, and stops at the first level with a dict of tensors: an optimizer's per-parameter dicts
 * of tensors sit deeper than the model's. Two or more at that level are ambiguous: refused, naming each, to be chosen
 * by key. A key path names nested keys joined by {@code /} ({@code checkpoint/model}).
 */
final class StateDictPicker {
    static final int DEPTH = 3;
    private static final int LISTED = 12;

    private StateDictPicker() {}

    /** The chosen state dict, in file order, and the path it was found under ({@code ""} for the top level). */
    record Picked(String path, Map<String, PickledTensor> tensors) {}

    /**
     * The state dict in {@code root}: under {@code key} when not null, else found as the class says. Errors
     * ({@link IllegalArgumentException}) say what the file holds instead.
     */
    static Picked pick(Object root, String key) {
        if (key != null && !key.isEmpty()) {
            Object at = root;
            StringBuilder walked = new StringBuilder();
            for (String part : key.split("/", -1)) {
                if (!(at instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("key '" + key + "': " + (walked.length() == 0 ? "the file"
                            : "'" + walked + "'") + " holds a " + TorchGlobal.typeName(at) + ", not a dict");
                }
                Object next = lookup(map, part);
                if (next == null && !map.containsKey(part)) {
                    throw new IllegalArgumentException("key '" + key + "': no '" + part + "' in "
                            + (walked.length() == 0 ? "the top-level dict" : "'" + walked + "'") + ", whose keys are "
                            + keys(map));
                }
                walked.append(walked.length() == 0 ? "" : "/").append(part);
                at = next;
            }
            Map<String, PickledTensor> sd = tensorDict(at);
            if (sd == null) {
                throw new IllegalArgumentException("key '" + key + "' holds a " + describe(at)
                        + ", not a dict of tensors");
            }
            return new Picked(key, sd);
        }
        Map<String, PickledTensor> top = tensorDict(root);
        if (top != null) {
            return new Picked("", top);
        }
        if (!(root instanceof Map<?, ?> rootMap)) {
            throw new IllegalArgumentException("the file holds a " + describe(root) + ", not a dict of tensors (a"
                    + " state dict)");
        }
        List<Map.Entry<String, Object>> level = new ArrayList<>();
        rootMap.forEach((k, v) -> level.add(Map.entry(String.valueOf(k), v)));
        for (int depth = 1; depth <= DEPTH && !level.isEmpty(); depth++) {
            List<Picked> found = new ArrayList<>();
            List<Map.Entry<String, Object>> next = new ArrayList<>();
            for (Map.Entry<String, Object> e : level) {
                Map<String, PickledTensor> sd = tensorDict(e.getValue());
                if (sd != null) {
                    found.add(new Picked(e.getKey(), sd));
                } else if (e.getValue() instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> next.add(Map.entry(e.getKey() + "/" + k, v)));
                }
            }
            if (found.size() == 1) {
                return found.get(0);
            }
            if (found.size() > 1) {
                List<String> names = new ArrayList<>();
                for (Picked p : found.subList(0, Math.min(LISTED, found.size()))) {
                    names.add("'" + p.path() + "' (" + p.tensors().size() + " tensors)");
                }
                throw new IllegalArgumentException("the file holds " + found.size() + " dicts of tensors: "
                        + String.join(", ", names) + (found.size() > LISTED ? ", ..." : "")
                        + "; choose one with --key");
            }
            level.clear();
            level.addAll(next);
        }
        throw new IllegalArgumentException("the file holds no dict of tensors within " + DEPTH + " levels; its"
                + " top-level keys are " + keys(rootMap));
    }

    private static Object lookup(Map<?, ?> map, String part) {
        if (map.containsKey(part)) {
            return map.get(part);
        }
        // an int key (an optimizer's parameter index) spelled as text
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (String.valueOf(e.getKey()).equals(part)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The dict as a state dict: non-empty, every key a string and every value a tensor; else null. */
    private static Map<String, PickledTensor> tensorDict(Object o) {
        if (!(o instanceof Map<?, ?> map) || map.isEmpty()) {
            return null;
        }
        Map<String, PickledTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof PickledTensor t)) {
                return null;
            }
            out.put(k, t);
        }
        return out;
    }

    private static String describe(Object o) {
        if (o instanceof Map<?, ?> m) {
            return "dict with keys " + keys(m);
        }
        return TorchGlobal.typeName(o);
    }

    private static String keys(Map<?, ?> map) {
        List<String> names = new ArrayList<>();
        for (Object k : map.keySet()) {
            if (names.size() == LISTED) {
                names.add("...");
                break;
            }
            names.add("'" + k + "'");
        }
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }
}
