package com.oneshotct.worker.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.infer.Evaluation;
import com.oneshotct.model.infer.Evaluator;
import com.oneshotct.model.metrics.CocoJson;
import com.oneshotct.model.metrics.CocoMaskAp;
import com.oneshotct.model.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot evaluate}: a checkpoint's scores on a dataset split: per-class sensitivity, the paper's weighted F1,
 * accuracy and macro F1 on the classification images; the paper's AP@0.5, AP@0.75 and mAP and COCO mask AP on the
 * segmentation images. Writes the COCO results file (RLE masks) and the ground truth it was scored against.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Scores a checkpoint on a dataset split as the paper does; writes COCO results and ground truth.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder.")
    Path data;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "Checkpoint from `train`.")
    Path checkpoint;

    @Option(names = "--split", defaultValue = "test", description = "Split to score (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--results", paramLabel = "FILE",
            description = "COCO results file to write (default: CHECKPOINT.<split>.coco-results.json); the ground"
                    + " truth goes beside it as ...coco-gt.json.")
    Path results;

    @Option(names = "--labels", split = ",", paramLabel = "ID",
            description = "Mask labels in AP (1 lung, 2 GGO, 3 consolidation; default: all).")
    List<Integer> labels;

    @Option(names = "--score-threshold", paramLabel = "P",
            description = "AP takes detections scoring above P (default: the authors' AP protocol, 0.75).")
    Double threshold;

    @Option(names = "--max-detections", paramLabel = "N",
            description = "AP takes at most N detections per image (default: the authors' AP protocol, 128).")
    Integer maxDetections;

    @Option(names = "--batch", paramLabel = "N",
            description = "Slices per forward pass; the scores do not depend on it (default: "
                    + Evaluator.SCORING_BATCH + ").")
    Integer batch;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        int slices = batch == null ? Evaluator.SCORING_BATCH : batch;
        if (slices < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + slices);
        }
        ApProtocol protocol;
        try {
            protocol = ApProtocol.of(maxDetections, threshold);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("--max-detections / --score-threshold: " + bad.getMessage(), bad);
        }
        CtDataset ds = CtDataset.open(data);
        Set<Integer> filter = labels == null ? null : new TreeSet<>(labels);
        Path parent = checkpoint.toAbsolutePath().getParent();
        Path res = results != null ? results : parent.resolve(checkpoint.getFileName() + "." + split
                + ".coco-results.json");
        String name = res.getFileName().toString();
        Path gt = res.resolveSibling(name.contains("coco-results") ? name.replace("coco-results", "coco-gt")
                : name + ".gt.json");
        try (NDManager manager = NDManager.newBaseManager(TrainCommand.device(device), "PyTorch")) {
            TrainedModel model = TrainedModel.open(checkpoint, manager);
            var c = model.net().config();
            ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), ProgressBar.stderrIsTerminal(), "evaluate");
            Evaluation e = Evaluator.of(model.net(), protocol, filter, slices)
                    .evaluate(manager, ds, split, (done, total) -> bar.update(done, total, 0, split));
            CocoJson.writeResults(res, e.detections());
            CocoJson.writeGroundTruth(gt, e.groundTruth());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper m = new ObjectMapper();
                out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(m, e, model, res, gt)));
            } else {
                out.printf(Locale.ROOT, "%s on %s split '%s' (%s at %d px, iteration %d)%n", checkpoint, data, split,
                        model.config().backbone().id(), c.imageSize(), model.iteration());
                if (e.classification() != null) {
                    out.printf(Locale.ROOT, "classification: %d images%n", e.predictions().size());
                    ScoreFormat.printClassification(out, e.classification());
                }
                if (e.paperAp() != null) {
                    out.printf(Locale.ROOT, "segmentation: %d images, %d ground-truth instances, %d detections"
                            + " (%s)%n", e.imageNames().size(), e.groundTruth().annotations().size(),
                            e.detections().size(), e.protocol());
                    ScoreFormat.printSegmentation(out, e.protocol(), e.coco(), e.paperAp(), CocoMaskAp.MAX_DETS);
                }
                out.printf(Locale.ROOT, "COCO results: %s%nCOCO ground truth: %s%n", res, gt);
            }
            out.flush();
        }
        return 0;
    }

    private ObjectNode toJson(ObjectMapper m, Evaluation e, TrainedModel model, Path res, Path gt) {
        ObjectNode root = m.createObjectNode();
        root.put("checkpoint", checkpoint.toString()).put("iteration", model.iteration())
                .put("backbone", model.config().backbone().id()).put("image_size", model.config().imageSize());
        root.put("split", split);
        if (e.classification() != null) {
            root.set("classification", ScoreFormat.classificationJson(m, e.classification()));
        }
        if (e.paperAp() != null) {
            ObjectNode s = ScoreFormat.segmentationJson(m, e.protocol(), e.coco(), e.paperAp());
            s.put("images", e.imageNames().size()).put("instances", e.groundTruth().annotations().size())
                    .put("detections", e.detections().size());
            root.set("segmentation", s);
        }
        root.put("coco_results", res.toString()).put("coco_ground_truth", gt.toString());
        return root;
    }
}
