package com.oneshotct.worker.report;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.oneshotct.activities.evaluate.Scores;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.fetch.FetchedDataset;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.activities.train.RunFiles;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.Registry;
import com.oneshotct.db.RunDetail;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.infer.Evaluator;
import com.oneshotct.model.infer.OneShotPredictor;
import com.oneshotct.model.train.TrainedModel;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A run's report from the platform's services: the registry's records of the run, and the checkpoint its latest
 * evaluation scored (else its latest checkpoint) evaluated again on the run's own dataset, for the AP at every IoU
 * threshold (the registry keeps 0.5 and 0.75) and for overlays of the first test slices by name. Checkpoint and
 * dataset are verified against their SHA-256 as a worker verifies them, and cached under the dataset cache.
 */
public final class RunReport {
    public static final int DEFAULT_SLICES = 6;
    private static final String DEFAULT_SPLIT = "test";

    /**
     * @param slices how many segmentation slices get an overlay (0: none)
     * @param device where to run the model
     */
    public record Options(int slices, Device device) {
        public static final Options DEFAULTS = new Options(DEFAULT_SLICES, Device.cpu());

        public Options {
            if (slices < 0) {
                throw new IllegalArgumentException("--slices must be 0 or more, got " + slices);
            }
        }
    }

    private final Registry registry;
    private final ObjectStore store;
    private final DatasetCache cache;
    private final Options options;
    private final Consumer<String> progress;

    /** @param progress hears one line per phase */
    public RunReport(Registry registry, ObjectStore store, DatasetCache cache, Options options,
                     Consumer<String> progress) {
        this.registry = registry;
        this.store = store;
        this.cache = cache;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Writes the report of {@code runId} into {@code outDir} with the services that {@code env} names
     * ({@code ONESHOT_DB_*}, {@code ONESHOT_S3_*}, {@code ONESHOT_CACHE_DIR}), as a worker or the demo's embedded
     * stack has them. Returns what it wrote: {@code index()} is the page, {@code outDir/index.html}.
     */
    public static ReportWriter.Written write(Map<String, String> env, String runId, Path outDir, Options options,
                                             Consumer<String> progress) {
        try (Database db = Database.open(DbConfig.fromEnvironment(env));
             ObjectStore store = new ObjectStore(S3Config.fromEnvironment(env))) {
            return new RunReport(db.registry(), store, DatasetCache.fromEnvironment(env), options, progress)
                    .write(runId, outDir);
        }
    }

    /** Gathers, evaluates and writes; an unknown run is an {@link IllegalArgumentException} before any file. */
    public ReportWriter.Written write(String runId, Path outDir) {
        ReportInputs in = gather(runId);
        progress.accept("writing the page and its figures to " + outDir);
        return ReportWriter.write(in, outDir);
    }

    /** The workflow id of {@code runId}: a workflow id, else a registry run number. */
    public static String resolve(Registry registry, String runId) {
        try {
            return registry.runs().get(runId).workflowId();
        } catch (NotFoundException e) {
            if (runId.matches("[0-9]{1,18}")) {
                var id = registry.runs().workflowIdOf(Long.parseLong(runId));
                if (id.isPresent()) {
                    return id.get();
                }
            }
            throw new IllegalArgumentException("no run '" + runId + "' in the registry (give a workflow id, as"
                    + " `oneshot runs list` shows, or a registry run number)", e);
        }
    }

    ReportInputs gather(String runId) {
        progress.accept("reading run '" + runId + "' from the registry");
        String workflowId = resolve(registry, runId);
        RunDetail d = registry.audit().show(workflowId);
        List<String> notes = new ArrayList<>();
        List<Evaluation> evals = d.evaluations();
        Evaluation focus = null;
        Checkpoint checkpoint;
        // the checkpoint the run tested (validation rows score every checkpoint; the test rows, the chosen one)
        List<Evaluation> tested = evals.stream().filter(e -> !e.validation()).toList();
        List<Evaluation> candidates = tested.isEmpty() ? evals : tested;
        if (!evals.isEmpty()) {
            long used = candidates.get(candidates.size() - 1).checkpointId();
            List<Evaluation> ofUsed = candidates.stream().filter(e -> e.checkpointId() == used).toList();
            focus = ofUsed.stream().filter(e -> e.scores().split().equals(DEFAULT_SPLIT)).findFirst()
                    .orElse(ofUsed.get(ofUsed.size() - 1));
            checkpoint = registry.training().checkpoint(used);
        } else {
            checkpoint = d.latest().orElse(null);
            notes.add("The registry holds no evaluation of this run: no evaluation table, confusion matrix or"
                    + " sensitivities.");
        }
        if (d.curve().isEmpty()) {
            notes.add("The registry holds no training losses of this run.");
        }
        Reevaluation re = null;
        List<SliceOverlay> overlays = List.of();
        String split = focus != null ? focus.scores().split() : DEFAULT_SPLIT;
        if (checkpoint == null) {
            notes.add("The run has no checkpoint: no AP per IoU threshold and no slice overlays.");
        } else if (d.run().datasetId() == null) {
            notes.add("The run never fetched its dataset: no AP per IoU threshold and no slice overlays.");
        } else {
            RunFiles files = new RunFiles(store, cache, cache.root());
            progress.accept("fetching checkpoint of iteration " + checkpoint.iteration() + " ("
                    + checkpoint.objectKey() + ") from the object store");
            Path file = files.checkpoint(checkpoint);
            progress.accept("fetching dataset '" + d.run().datasetName() + "' into " + cache.root());
            FetchedDataset ds = dataset(files, d.run().datasetName(), d.run().datasetId());
            CtDataset data = CtDataset.open(ds.root());
            List<SegmentationItem> slices = data.segmentation().stream().filter(i -> i.split().equals(split))
                    .sorted(Comparator.comparing(SegmentationItem::name)).limit(options.slices()).toList();
            try (NDManager manager = NDManager.newBaseManager(options.device(), "PyTorch")) {
                TrainedModel model = TrainedModel.open(file, manager);
                // the registry row's protocol, so that the two evaluations compare like with like
                ApProtocol protocol = focus != null ? ReportPage.apProtocol(focus.scores()) : ApProtocol.AUTHORS;
                re = evaluate(manager, Evaluator.of(model.net(), protocol, null), protocol, data, split, checkpoint);
                if (re.apAtThresholds().isEmpty()) {
                    notes.add("Split '" + split + "' has no segmentation images: no AP per IoU threshold.");
                }
                overlays = overlays(manager, new OneShotPredictor(model.net()), slices);
            }
            if (slices.isEmpty()) {
                notes.add("Split '" + split + "' has no segmentation slices to overlay.");
            }
            if (re.scores() == null) {
                notes.add("Split '" + split + "' lacks classification or segmentation images, so the report's"
                        + " evaluation cannot be compared with a registry row.");
            }
        }
        return new ReportInputs(d.run(), d.dataset().orElse(null), checkpoint, d.attempts(), d.curve(), evals, focus,
                re, overlays, notes);
    }

    private Reevaluation evaluate(NDManager manager, Evaluator evaluator, ApProtocol protocol, CtDataset data,
                                  String split, Checkpoint checkpoint) {
        int total = (int) (data.classification().stream().filter(i -> i.split().equals(split)).count()
                + data.segmentation().stream().filter(i -> i.split().equals(split)).count());
        progress.accept("evaluating split '" + split + "': " + total + " images");
        int step = Math.max(1, (total + 3) / 4);
        com.oneshotct.model.infer.Evaluation e = evaluator.evaluate(manager, data, split,
                (done, all) -> {
                    if (done % step == 0 || done == all) {
                        progress.accept(String.format(Locale.ROOT, "evaluated %d/%d images", done, all));
                    }
                });
        EvaluationScores scores;
        try {
            scores = Scores.of(e);
        } catch (IllegalArgumentException noRow) {
            scores = null;
        }
        List<Double> ap = e.paperAp() == null ? List.of() : e.paperAp().apAtThresholds();
        return new Reevaluation(split, protocol, checkpoint.iteration(), ap, scores);
    }

    private List<SliceOverlay> overlays(NDManager manager, OneShotPredictor predictor, List<SegmentationItem> items) {
        List<SliceOverlay> out = new ArrayList<>();
        for (SegmentationItem item : items) {
            progress.accept(String.format(Locale.ROOT, "overlay %d/%d: slice %s", out.size() + 1, items.size(),
                    item.name()));
            SegmentationSample s = item.load();
            out.add(SliceOverlay.of(s, predictor.predict(manager, s.image())));
        }
        return out;
    }

    /** The run's dataset; a problem the worker would report to Temporal is a plain failure here. */
    private static FetchedDataset dataset(RunFiles files, String name, String id) {
        try {
            return files.dataset(name, id);
        } catch (ApplicationFailure e) {
            throw new IllegalStateException(e.getOriginalMessage(), e);
        }
    }
}
