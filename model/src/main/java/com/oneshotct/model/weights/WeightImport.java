package com.oneshotct.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.StateDict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Published weights onto the one-shot network. Two layouts, told by the keys (after removing a {@code module.}
 * prefix that every key has, as DataParallel saves):
 *
 * <ul>
 *   <li>a torchvision classification model ({@code conv1.weight}, {@code layer1.0.conv1.weight}, ..., {@code fc.*}),
 *       as the ImageNet files the paper starts from: its keys go to {@code backbone.body.*}, {@code fc.*} is
 *       dropped (reported), the rest of the network keeps its initialisation; every key of the body must be there
 *       with its shape, and nothing else but {@code fc.*};
 *   <li>the one-shot model's own keys ({@code backbone.*}, {@code rpn.*}, {@code roi_heads.*}, {@code attn_layer.*},
 *       the classifiers), as the authors' checkpoint and {@code model export} hold: strict, every key of the network
 *       with its shape and no other.
 * </ul>
 *
 * <p>Shapes are checked before anything is set: on any error nothing is set. {@code num_batches_tracked} counters
 * have no counterpart and are ignored silently, as {@link StateDict} does.
 */
public final class WeightImport {
    private static final String MODULE = "module.";
    private static final String BODY = "backbone.body.";
    private static final List<String> WHOLE = List.of("backbone.", "rpn.", "roi_heads.", "attn_layer.",
            "pos_classifier_attn.", "neg_classifier_attn.");
    private static final String BATCHES = "num_batches_tracked";

    private WeightImport() {}

    /**
     * Reads {@code file} (any {@link WeightFile} format; {@code key}, may be null, picks a wrapped state dict) and
     * sets its arrays into the initialised {@code net}.
     */
    public static ImportReport load(OneShotNet net, Path file, String key) {
        StateDict.Entry first = StateDict.entries(net).get(0);
        if (!first.parameter().isInitialized()) {
            throw new IllegalStateException("initialize the network before importing weights into it");
        }
        NDManager manager = first.parameter().getArray().getManager();
        try (NDManager sub = manager.newSubManager()) {
            return apply(net, WeightFile.read(file, sub, key));
        }
    }

    /**
     * Sets {@code weights} into the initialised {@code net}; see the class. The file's arrays are renamed to the
     * network's keys on the way (a {@code module.} prefix removed, {@code backbone.body.} added).
     */
    public static ImportReport apply(OneShotNet net, WeightFile weights) {
        Path file = weights.source();
        List<NDArray> arrays = new ArrayList<>(weights.arrays());
        boolean stripped = !arrays.isEmpty() && arrays.stream().allMatch(a -> a.getName().startsWith(MODULE));
        if (stripped) {
            arrays.forEach(a -> a.setName(a.getName().substring(MODULE.length())));
        }
        List<String> keys = arrays.stream().map(NDArray::getName).toList();
        String backbone = net.config().backbone().id();
        if (keys.stream().anyMatch(k -> WHOLE.stream().anyMatch(k::startsWith))) {
            Function<String, RuntimeException> error = problem -> new DataException(file, "a one-shot model state"
                    + " dict that does not fit the " + backbone + " network (weights of another backbone?): "
                    + problem);
            StateDict.LoadReport r = StateDict.load(net, "", new NDList(arrays), true, error);
            return report(weights, stripped, ImportReport.Layout.WHOLE_MODEL, backbone, net, r, List.of());
        }
        if (keys.contains("conv1.weight") && keys.stream().anyMatch(k -> k.startsWith("layer1."))) {
            NDList body = new NDList();
            List<ImportReport.Ignored> ignored = new ArrayList<>();
            for (NDArray a : arrays) {
                if (a.getName().startsWith("fc.")) {
                    ignored.add(new ImportReport.Ignored(a.getName(), a.getShape().toString(), "torchvision's ImageNet"
                            + " classifier, no counterpart in the one-shot network"));
                } else {
                    a.setName(BODY + a.getName());
                    body.add(a);
                }
            }
            Function<String, RuntimeException> error = problem -> new DataException(file, "a torchvision"
                    + " classification state dict that does not fit the " + backbone + " body (a file of another"
                    + " architecture? the network was built for " + backbone + "): " + problem);
            StateDict.LoadReport r = StateDict.load(net.backbone().body(), BODY, body, true, error);
            return report(weights, stripped, ImportReport.Layout.TORCHVISION_BODY, backbone, net, r, ignored);
        }
        List<String> first = keys.subList(0, Math.min(6, keys.size()));
        throw new DataException(file, "keys of neither a torchvision classification model (conv1.weight,"
                + " layer1.0.conv1.weight, ..., fc.weight) nor the one-shot model (backbone.body..., rpn.head...,"
                + " roi_heads..., attn_layer...); the file's first keys: " + String.join(", ", first));
    }

    private static ImportReport report(WeightFile w, boolean stripped, ImportReport.Layout layout, String backbone,
            OneShotNet net, StateDict.LoadReport r, List<ImportReport.Ignored> ignored) {
        List<StateDict.Entry> entries = StateDict.entries(net);
        String scope = layout == ImportReport.Layout.TORCHVISION_BODY ? BODY : "";
        long values = entries.stream().filter(e -> e.key().startsWith(scope)).mapToLong(e -> e.shape().size()).sum();
        List<ImportReport.Ignored> all = new ArrayList<>(ignored);
        Map<String, NDArray> byName = new java.util.HashMap<>();
        w.arrays().forEach(a -> byName.put(a.getName(), a));
        for (String k : r.ignored()) {
            if (!k.endsWith("." + BATCHES)) {
                NDArray a = byName.get(k);
                all.add(new ImportReport.Ignored(k, a == null ? "" : a.getShape().toString(), "not in the network"));
            }
        }
        List<ImportReport.Kept> kept = new ArrayList<>();
        if (layout == ImportReport.Layout.TORCHVISION_BODY) {
            for (OneShotNet.Part p : net.parts()) {
                int n = (int) entries.stream().filter(e -> p.prefixes().stream().anyMatch(e.key()::startsWith))
                        .count();
                boolean body = p.prefixes().stream().allMatch(x -> x.startsWith(BODY));
                if (!body && n > 0) {
                    kept.add(new ImportReport.Kept(p.label(), p.prefixes(), n));
                }
            }
        }
        return new ImportReport(w.source(), w.format(), w.picked(), w.dtypes(), stripped, layout, backbone,
                r.loaded(), values, List.copyOf(all), List.copyOf(kept));
    }
}
