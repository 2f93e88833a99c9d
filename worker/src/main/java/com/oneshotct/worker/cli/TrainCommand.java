package com.oneshotct.worker.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.config.ConfigException;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.ClassificationReader;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.infer.Overlay;
import com.oneshotct.model.train.Checkpoint;
import com.oneshotct.model.train.PaperTrainer;
import com.oneshotct.model.train.SegmentationStep;
import com.oneshotct.model.weights.ImportReport;
import com.oneshotct.model.weights.WeightImport;
import com.oneshotct.worker.report.LossChart;
import com.oneshotct.worker.report.LossLog;
import com.oneshotct.worker.runtime.EngineReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot train}: the paper's training loop on a local dataset's train splits, with a progress bar, a
 * checkpoint every {@code --checkpoint-interval} iterations (and at the end, or on Ctrl-C), and the loss curve as CSV
 * and PNG beside the checkpoint. {@code --resume} continues from the checkpoint exactly.
 */
@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = TrainCommand.Defaults.class,
        description = {"Trains the one-shot model on DIR's segmentation/train and classification/train splits.",
            "Writes FILE (checkpoint), FILE.losses.csv and FILE.losses.png. Ctrl-C checkpoints before it exits."})
public final class TrainCommand implements Callable<Integer> {
    /** Every training option's default: TrainConfig's own (the paper's), but with a checkpoint every 100 iterations. */
    static final TrainConfig DEFAULTS = TrainConfig.builder().optCheckpointInterval(100).build();

    /**
     * The defaults of the options named after a {@link TrainConfig} member ({@code --seg-warmup} for
     * {@code segWarmup}; {@code --size} for {@code imageSize}), read from {@link #DEFAULTS}, so that no default is
     * written twice.
     */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
                return null;
            }
            String field = field(o.longestName());
            JsonNode v = field == null ? null : TrainConfigJson.write(DEFAULTS).get(field);
            if (v == null) {
                return null;
            }
            if (!v.isArray()) {
                return v.asText();
            }
            List<String> items = new java.util.ArrayList<>();
            v.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }

        /** The TrainConfig member an option sets, or null: {@code --head-lr-scale} is {@code headLrScale}. */
        static String field(String option) {
            if (option.equals("--size")) {
                return "imageSize";
            }
            StringBuilder b = new StringBuilder();
            boolean up = false;
            for (char c : option.replaceFirst("^--", "").toCharArray()) {
                if (c == '-') {
                    up = true;
                } else {
                    b.append(up ? Character.toUpperCase(c) : c);
                    up = false;
                }
            }
            return TrainConfigJson.FIELDS.contains(b.toString()) ? b.toString() : null;
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder (see `synth`).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Checkpoint file to write.")
    Path out;

    @Option(names = "--backbone", description = "resnet18, resnet34, resnext50_32x4d, resnext101_32x8d (default ${DEFAULT-VALUE})")
    String backbone;

    @Option(names = "--size", description = "Input side, a multiple of 32 (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--iterations", description = "Paper iterations (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--lr", description = "Adam learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--weight-decay", description = "Coupled L2 (default ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--seed", description = "Seed of weights and sampling (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--checkpoint-interval", description = "Iterations between checkpoints (default ${DEFAULT-VALUE})")
    int interval;

    @Option(names = "--seg-warmup", paramLabel = "N", description = {"Run only the segmentation"
            + " step for the first N iterations (default ${DEFAULT-VALUE}, the paper). The classification branch"
            + " reads the RoIs the detector places; from an untrained detector it does not learn."})
    int segWarmup;

    @Option(names = "--cls-batch", paramLabel = "N", description = {"Images per classification"
            + " step (default ${DEFAULT-VALUE}, the paper); the backbone runs on them together."})
    int clsBatch;

    @Option(names = "--bn-mode", paramLabel = "MODE", description = {"BatchNorm"
            + " statistics: BATCH_STATS (default, the reference: each batch's own, also at inference), RUNNING_STATS,"
            + " TRAIN_BATCH_EVAL_RUNNING (PyTorch's train/eval; with --cls-batch above 1, for random weights)."})
    String bnMode;

    @Option(names = "--anchor-sizes", split = ",", paramLabel = "PX", description = {"RPN anchor sizes in pixels"
            + " (default ${DEFAULT-VALUE}, the reference's; the authors' large model: 2,4,8,16,32,64,128). The RPN head"
            + " has one output per size and aspect ratio."})
    List<Integer> anchorSizes;

    @Option(names = "--lr-decay", paramLabel = "N", description = {"Cosine learning-rate decay"
            + " from --lr to --lr/100 over the first N iterations, then --lr/100 (default ${DEFAULT-VALUE}: constant,"
            + " the paper)."})
    int lrDecay;

    @Option(names = "--head-lr-scale", paramLabel = "X", description = {"The FPN, attention layer"
            + " and classifiers learn at --lr times X, in (0, 1] (default ${DEFAULT-VALUE}: one rate, the paper)."
            + " See docs/learning.md."})
    double headLrScale;

    @Option(names = "--pretrain", paramLabel = "N", description = {"First pre-train the backbone"
            + " body for N iterations as a plain pooled image classifier (a stand-in for the ImageNet weights the"
            + " paper starts from); they count in --iterations (default ${DEFAULT-VALUE}: none, the paper). See"
            + " docs/learning.md."})
    int pretrain;

    @Option(names = "--body-lr-scale", paramLabel = "X", description = {"After the pre-training"
            + " the body learns at --lr times X, in (0, 1] (default ${DEFAULT-VALUE}: one rate, the paper)."})
    double bodyLrScale;

    @Option(names = "--resume", description = "Continue from FILE if it exists (same settings required).")
    boolean resume;

    @Option(names = "--init-weights", paramLabel = "FILE", description = {"Start from these weights: a torch.save"
            + " .pth/.pt, .safetensors or .npz state dict (told by content). A torchvision classification file"
            + " (ImageNet weights) fills the backbone body, the rest keeps its initialisation; a whole-model file"
            + " (the authors' checkpoint, `model export`, `weights import`) must hold every key of the model with its"
            + " shape and no other. With --iterations 0 this only turns them into a checkpoint. See docs/weights.md."})
    Path initWeights;

    @Option(names = "--init-key", paramLabel = "K", description = {"Where the state dict is in an --init-weights"
            + " torch.save file that wraps it (as `weights import --key`)."})
    String initKey;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
    String device;

    /** The training configuration the options describe (a bad value is an exception naming every bad field). */
    /**
     * The options named after a {@link TrainConfig} member, read as its JSON form, so a member needs only its
     * option here; a bad value is named by its option ({@code --size}, not {@code imageSize}).
     */
    TrainConfig config() {
        ObjectNode given = JsonNodeFactory.instance.objectNode();
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (CommandLine.Model.OptionSpec o : spec.options()) {
            String field = Defaults.field(o.longestName());
            if (field != null) {
                given.set(field, OPTION_JSON.valueToTree(o.getValue()));
                options.put(field, o.longestName());
            }
        }
        try {
            return TrainConfigJson.read(given, DEFAULTS);
        } catch (ConfigException e) {
            List<String> named = e.problems().stream().map(p -> options.entrySet().stream()
                    .reduce(p, (m, o) -> m.replace("field '" + o.getKey() + "'", o.getValue()), (a, b) -> a)).toList();
            throw new IllegalArgumentException(String.join("; ", named), e);
        }
    }

    private static final ObjectMapper OPTION_JSON = new ObjectMapper();

    /** Classification slices from which the check before training shows its progress; fewer take a moment. */
    static final int CHECK_PROGRESS_FROM = 500;

    /**
     * Decodes every classification training slice before the first iteration, as the pipeline's fetch does, so that
     * a truncated or unreadable one is named now rather than when it is first sampled (hours in, or never). The
     * segmentation images and masks were decoded by {@link CtDataset#open}.
     */
    static void checkSlices(List<ClassificationItem> cls, PrintWriter err) {
        ProgressBar bar = cls.size() >= CHECK_PROGRESS_FROM
                ? new ProgressBar(err, ProgressBar.stderrIsTerminal(), "checking slices") : null;
        ClassificationReader.verify(cls, Runtime.getRuntime().availableProcessors(), done -> {
            if (bar != null) {
                bar.update(done, cls.size(), 0, "classification/train");
            }
        });
    }

    @Override
    public Integer call() throws java.io.IOException {
        TrainConfig config = config();
        Path parent = out.toAbsolutePath().getParent();
        if (Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(out + ": " + parent + " is a file, not a folder");
        }
        if (Files.exists(out) && !resume) {
            throw new IllegalArgumentException(out + " exists: pass --resume to continue it, or choose another --out");
        }
        CtDataset ds = CtDataset.open(data);
        List<SegmentationItem> seg = ds.segmentation().stream().filter(i -> i.split().equals("train")).toList();
        List<ClassificationItem> cls = ds.classification().stream().filter(i -> i.split().equals("train")).toList();
        if (seg.isEmpty() || cls.isEmpty()) {
            throw new IllegalArgumentException(data + ": training needs segmentation/train and classification/train"
                    + " images, found " + seg.size() + " and " + cls.size());
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        checkSlices(cls, err);
        Files.createDirectories(parent);
        LossLog log = new LossLog(parent.resolve(out.getFileName() + ".losses.csv"));
        Path chart = parent.resolve(out.getFileName() + ".losses.png");
        AtomicBoolean stop = new AtomicBoolean();
        // Ctrl-C: ask the loop to stop and hold the JVM until the final checkpoint is written. The hook waits on a
        // latch, not on the main thread: main ends in System.exit, which itself waits for the hooks.
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (NDManager manager = NDManager.newBaseManager(device(device), "PyTorch")) {
            PaperTrainer trainer = new PaperTrainer(config, PaperTrainer.newNet(config, manager), manager, seg, cls);
            int from = 0;
            if (initKey != null && initWeights == null) {
                throw new IllegalArgumentException("--init-key picks the state dict in --init-weights FILE; give"
                        + " both");
            }
            if (initWeights != null && Files.exists(out)) {
                throw new IllegalArgumentException("--init-weights starts a new run; " + out + " exists (a run to"
                        + " resume needs no weights)");
            }
            if (initWeights != null) {
                ImportReport r = WeightImport.load(trainer.net(), initWeights, initKey);
                err.printf(Locale.ROOT, "initialised from %s:%n", initWeights);
                r.lines().forEach(line -> err.println("  " + line));
            }
            if (Files.exists(out)) {
                // a checkpoint of other settings is refused (ForeignCheckpointException names what differs)
                from = Checkpoint.load(trainer, out).iteration();
                err.printf(Locale.ROOT, "resuming %s at iteration %d of %d%n", out, from, iterations);
            }
            log.resumeAt(from);
            err.printf(Locale.ROOT, "training %s at %d px on %d segmentation + %d classification images, %d"
                    + " iterations, lr %s, seed %d, %s%n", config.backbone().id(), size, seg.size(), cls.size(),
                    iterations, lr, seed, manager.getDevice());
            ProgressBar bar = new ProgressBar(err, ProgressBar.stderrIsTerminal(), "train");
            int start = from;
            int reached = trainer.run(new PaperTrainer.Listener() {
                @Override
                public void iteration(int iteration, int total, Map<String, Float> losses) {
                    // every column in every row (empty cells during a warm-up or pre-training): the log's
                    // columns are those of its first line
                    Map<String, Float> row = new java.util.LinkedHashMap<>();
                    if (config.pretrain() > 0) {
                        row.put(PaperTrainer.PRETRAIN, losses.get(PaperTrainer.PRETRAIN));
                    }
                    SegmentationStep.LOSSES.forEach(k -> row.put(k, losses.get(k)));
                    row.put(PaperTrainer.SEGMENTATION, losses.get(PaperTrainer.SEGMENTATION));
                    row.put(PaperTrainer.CLASSIFICATION, losses.get(PaperTrainer.CLASSIFICATION));
                    log.append(iteration, row);
                    Float pre = losses.get(PaperTrainer.PRETRAIN);
                    bar.update(iteration, total, start, pre != null
                            ? String.format(Locale.ROOT, "pre-training %.3f", pre)
                            : String.format(Locale.ROOT, "seg %.3f cls %s", losses.get(PaperTrainer.SEGMENTATION),
                                    show(losses.get(PaperTrainer.CLASSIFICATION))));
                }

                @Override
                public void checkpoint(int iteration, Path file, String sha256) {
                    Overlay.write(LossChart.render("training losses (" + config.backbone().id() + ", " + size
                            + " px)", log.read(), 900, 420), chart);
                }
            }, stop::get, out);
            stdout.printf(Locale.ROOT, "%s at iteration %d of %d: %s%n", reached < iterations ? "stopped" : "trained",
                    reached, iterations, out);
            stdout.printf(Locale.ROOT, "loss curve: %s, %s%n", log.file(), chart);
            stdout.flush();
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook is already running and waits for this thread
            }
        }
    }

    private static String show(Float loss) {
        return loss == null ? "-" : String.format(Locale.ROOT, "%.3f", loss);
    }

    /** {@code cpu}, {@code gpu} or {@code gpu:N}; a GPU that libtorch cannot see is a clear error. */
    /** The device a {@code --device} value names; {@link EngineReport#device} says why when libtorch cannot. */
    static Device device(String name) {
        return name.trim().equalsIgnoreCase("cpu") ? Device.cpu() : EngineReport.probe().device(name);
    }

}
