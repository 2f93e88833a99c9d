package com.oneshotct.worker.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.Slices;
import com.oneshotct.model.infer.Lesion;
import com.oneshotct.model.infer.OneShotPredictor;
import com.oneshotct.model.infer.Overlay;
import com.oneshotct.model.infer.Prediction;
import com.oneshotct.model.metrics.CocoJson;
import com.oneshotct.model.metrics.Rle;
import com.oneshotct.model.nn.Detections;
import com.oneshotct.model.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot predict IMAGE --checkpoint FILE}: one forward pass; prints the class with its probabilities and
 * every lesion (label, score, box, area; in JSON also the mask as COCO compressed RLE), and with {@code --out}
 * writes the slice with the coloured masks and the predicted class.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classifies a CT slice and segments its lesions with a trained checkpoint, in one pass.")
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "PNG or JPEG slice, 8-bit grey (any size).")
    Path image;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "Checkpoint from `train`.")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "PNG", description = "Write the overlay here.")
    Path overlay;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--score-threshold", paramLabel = "P",
            description = "Detections need a score above P (default: the model's, 0.75 as the reference evaluated).")
    Double threshold;

    @Option(names = "--max-detections", paramLabel = "N", description = "At most N lesions (default: the model's, 4).")
    Integer maxDetections;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        GreyImage slice = Slices.readSlice(image);
        try (NDManager manager = NDManager.newBaseManager(TrainCommand.device(device), "PyTorch")) {
            TrainedModel model = TrainedModel.open(checkpoint, manager);
            Detections base = OneShotPredictor.detectionsOf(model.net().config());
            var c = model.net().config();
            Detections det = new Detections(threshold == null ? c.scoreThresh() : threshold, c.detNmsThresh(),
                    maxDetections == null ? c.detectionsPerImage() : maxDetections, (float) c.minBoxSize());
            Prediction p = new OneShotPredictor(model.net(), threshold == null && maxDetections == null ? base : det)
                    .predict(manager, slice);
            if (overlay != null) {
                Overlay.write(Overlay.render(slice, p), overlay);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper m = new ObjectMapper();
                out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(m, p, model)));
            } else {
                print(out, p, model);
            }
            out.flush();
        }
        return 0;
    }

    private ObjectNode toJson(ObjectMapper m, Prediction p, TrainedModel model) {
        ObjectNode root = m.createObjectNode();
        root.put("image", image.toString());
        root.put("width", p.width()).put("height", p.height());
        root.put("class", Overlay.className(p.predicted().index)).put("class_index", p.predicted().index);
        ObjectNode probs = root.putObject("probabilities");
        ObjectNode logits = root.putObject("logits");
        for (int i = 0; i < 3; i++) {
            probs.put(Overlay.className(i), p.probabilities()[i]);
            logits.put(Overlay.className(i), p.logits()[i]);
        }
        ArrayNode lesions = root.putArray("lesions");
        for (Lesion l : p.lesions()) {
            ObjectNode o = lesions.addObject();
            o.put("label", l.label().name().toLowerCase(Locale.ROOT)).put("label_id", l.label().value);
            o.put("score", l.score());
            ArrayNode box = o.putArray("box");
            for (float v : l.box()) {
                box.add(v);
            }
            o.put("area", l.mask().area());
            o.set("rle", CocoJson.toJson(Rle.encode(l.mask()), true));
        }
        ObjectNode ck = root.putObject("checkpoint");
        ck.put("file", checkpoint.toString()).put("sha256", model.sha256()).put("iteration", model.iteration())
                .put("backbone", model.config().backbone().id()).put("image_size", model.config().imageSize());
        if (overlay != null) {
            root.put("overlay", overlay.toString());
        }
        return root;
    }

    private void print(PrintWriter out, Prediction p, TrainedModel model) {
        out.printf(Locale.ROOT, "%s (%dx%d): %s%n", image, p.width(), p.height(), Overlay.className(p.predicted().index));
        out.printf(Locale.ROOT, "  probabilities: Normal %.4f, CP %.4f, COVID-19 %.4f%n", p.probabilities()[0],
                p.probabilities()[1], p.probabilities()[2]);
        out.printf(Locale.ROOT, "  %d lesion(s)%s%n", p.lesions().size(), p.lesions().isEmpty() ? "" : ":");
        for (Lesion l : p.lesions()) {
            float[] b = l.box();
            out.printf(Locale.ROOT, "    %-13s score %.3f  box [%.1f, %.1f, %.1f, %.1f]  area %d px%n",
                    l.label().name().toLowerCase(Locale.ROOT), l.score(), b[0], b[1], b[2], b[3], l.mask().area());
        }
        out.printf(Locale.ROOT, "  model: %s at %d px, iteration %d (%s)%n", model.config().backbone().id(),
                model.config().imageSize(), model.iteration(), checkpoint);
        if (overlay != null) {
            out.printf(Locale.ROOT, "  overlay: %s%n", overlay);
        }
    }
}
