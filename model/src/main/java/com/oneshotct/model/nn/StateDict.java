package com.oneshotct.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.oneshotct.model.data.DataException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The network's parameters under the reference's PyTorch state-dict keys, and {@code .npz} import / export by
 * those keys (the route for converted published weights).
 *
 * <p>A key is the path of child names from the root plus the parameter's name: DJL stores a child as
 * {@code "%02d" + name} (its 1-based position first), which is stripped; DJL's BatchNorm names
 * ({@code gamma, beta, runningMean, runningVar}) map to PyTorch's ({@code weight, bias, running_mean,
 * running_var}). PyTorch's {@code num_batches_tracked} has no counterpart: ignored on import, not exported.
 */
public final class StateDict {
    private static final String BATCHES_TRACKED = "num_batches_tracked";
    private static final int LISTED_PROBLEMS = 20;

    private StateDict() {}

    /** One parameter or buffer under its reference key. */
    public record Entry(String key, Parameter parameter, ParamKind kind) {
        public Shape shape() {
            return parameter.getShape();
        }
    }

    /** What an import did: how many arrays it set, and which keys of the file it ignored. */
    public record LoadReport(int loaded, List<String> ignored) {}

    /** Every parameter and buffer of {@code root}, in tree order, keyed as in the reference's state dict. */
    public static List<Entry> entries(Block root) {
        return entries(root, "");
    }

    /** As {@link #entries(Block)} with every key prefixed ({@code "backbone."} to address a sub-block). */
    public static List<Entry> entries(Block root, String prefix) {
        List<Entry> out = new ArrayList<>();
        walk(root, prefix, out);
        Map<String, Entry> seen = new HashMap<>();
        for (Entry e : out) {
            if (seen.put(e.key(), e) != null) {
                throw new IllegalStateException("two parameters share the state-dict key '" + e.key() + "'");
            }
        }
        return out;
    }

    private static void walk(Block block, String prefix, List<Entry> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.add(new Entry(prefix + torchName(p.getKey()), p.getValue(), ParamKind.of(block, p.getValue())));
        }
        BlockList children = block.getChildren();
        for (int i = 0; i < children.size(); i++) {
            String name = children.get(i).getKey();
            String index = String.format("%02d", i + 1);
            if (!name.startsWith(index)) {
                throw new IllegalStateException("child '" + name + "' of " + block.getClass().getSimpleName()
                        + " lacks DJL's index prefix " + index);
            }
            walk(children.get(i).getValue(), prefix + name.substring(index.length()) + ".", out);
        }
    }

    /** PyTorch's name of a DJL parameter name. */
    static String torchName(String djl) {
        return switch (djl) {
            case "gamma" -> "weight";
            case "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> djl;
        };
    }

    /** Trainable parameter elements (running statistics excluded), PyTorch's {@code numel} sum. */
    public static long count(Block root) {
        return count(entries(root));
    }

    static long count(List<Entry> entries) {
        long n = 0;
        for (Entry e : entries) {
            if (!e.kind().buffer()) {
                n += e.shape().size();
            }
        }
        return n;
    }

    /** Strict import: every key of the model must be in the file with its shape, and nothing else. */
    public static LoadReport load(Block root, Path npz) {
        return load(root, npz, true);
    }

    /**
     * Imports {@code npz} into the (initialised) {@code root}. A key of the model missing from the file, or there
     * with another shape, is an error; a key of the file the model lacks is an error when {@code strict}, else
     * ignored and reported. Nothing is set unless everything matches. Arrays are converted to the parameter's type.
     */
    public static LoadReport load(Block root, Path npz, boolean strict) {
        NDManager manager = anyArray(root).getManager();
        try (NDManager sub = manager.newSubManager(); InputStream in = new BufferedInputStream(
                Files.newInputStream(npz))) {
            NDList arrays = NDList.decode(sub, in);
            return load(root, "", arrays, strict, problem -> new DataException(npz, problem));
        } catch (IOException e) {
            throw new DataException(npz, "state dict unreadable: " + e.getMessage(), e);
        }
    }

    /** As {@link #load(Block, Path, boolean)} from named arrays; {@code source} names them in errors. */
    public static LoadReport load(Block root, String prefix, NDList arrays, boolean strict, String source) {
        return load(root, prefix, arrays, strict, problem -> new IllegalArgumentException(source + ": " + problem));
    }

    /**
     * As {@link #load(Block, String, NDList, boolean, String)}, each problem turned into the exception {@code error}
     * makes of it (so that a caller can name the file and add what it knows).
     */
    public static LoadReport load(Block root, String prefix, NDList arrays, boolean strict,
            Function<String, RuntimeException> error) {
        Map<String, NDArray> file = new LinkedHashMap<>();
        for (NDArray a : arrays) {
            if (a.getName() == null) {
                throw error.apply("state dict has an array without a name");
            }
            file.put(a.getName(), a);
        }
        List<Entry> entries = entries(root, prefix);
        List<String> problems = new ArrayList<>();
        Map<String, Entry> model = new HashMap<>();
        for (Entry e : entries) {
            model.put(e.key(), e);
            if (!e.parameter().isInitialized()) {
                throw new IllegalStateException("initialize the model before loading a state dict: '" + e.key()
                        + "' has no array");
            }
            NDArray a = file.get(e.key());
            if (a == null) {
                problems.add("missing key '" + e.key() + "' (model shape " + e.shape() + ")");
            } else if (!a.getShape().equals(e.shape())) {
                problems.add("key '" + e.key() + "' has shape " + a.getShape() + " in the file but "
                        + e.shape() + " in the model");
            }
        }
        List<String> ignored = new ArrayList<>();
        for (String key : file.keySet()) {
            if (model.containsKey(key)) {
                continue;
            }
            if (strict && !key.endsWith("." + BATCHES_TRACKED)) {
                problems.add("unexpected key '" + key + "' (not in the model)");
            } else {
                ignored.add(key);
            }
        }
        if (!problems.isEmpty()) {
            String listed = String.join("; ", problems.subList(0, Math.min(LISTED_PROBLEMS, problems.size())));
            String more = problems.size() > LISTED_PROBLEMS ? "; ..." : "";
            throw error.apply("state dict does not fit the model, " + problems.size() + " problem(s): " + listed
                    + more);
        }
        for (Entry e : entries) {
            NDArray dst = e.parameter().getArray();
            // In place, so that parameter stores and optimisers holding the array see the new values.
            try (NDArray src = file.get(e.key()).toType(dst.getDataType(), true)) {
                dst.set(src.toByteBuffer());
            }
        }
        return new LoadReport(entries.size(), List.copyOf(ignored));
    }

    /** Every parameter and buffer of the (initialised) {@code root} to {@code npz}, named by reference key. */
    public static void save(Block root, Path npz) {
        List<Entry> entries = entries(root);
        NDManager manager = anyArray(root).getManager();
        try (NDManager sub = manager.newSubManager();
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(npz))) {
            NDList list = new NDList(entries.size());
            for (Entry e : entries) {
                NDArray copy = e.parameter().getArray().duplicate();
                copy.attach(sub);
                copy.setName(e.key());
                list.add(copy);
            }
            list.encode(out, NDList.Encoding.NPZ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state dict " + npz, e);
        }
    }

    private static NDArray anyArray(Block root) {
        List<Entry> entries = entries(root);
        if (entries.isEmpty() || !entries.get(0).parameter().isInitialized()) {
            throw new IllegalStateException("initialize the model before importing or exporting a state dict");
        }
        return entries.get(0).parameter().getArray();
    }
}
