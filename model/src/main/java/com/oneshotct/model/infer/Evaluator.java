package com.oneshotct.model.infer;

import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.InstanceMask;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.data.ValidationSet;
import com.oneshotct.model.metrics.BinaryMask;
import com.oneshotct.model.metrics.ClassificationCsv;
import com.oneshotct.model.metrics.ClassificationReport;
import com.oneshotct.model.metrics.CocoAnnotation;
import com.oneshotct.model.metrics.CocoDetection;
import com.oneshotct.model.metrics.CocoGroundTruth;
import com.oneshotct.model.metrics.CocoImage;
import com.oneshotct.model.metrics.CocoMaskAp;
import com.oneshotct.model.metrics.ConfusionMatrix;
import com.oneshotct.model.metrics.MaskPrediction;
import com.oneshotct.model.metrics.MaskTruth;
import com.oneshotct.model.metrics.PaperAp;
import com.oneshotct.model.metrics.PaperApImage;
import com.oneshotct.model.nn.OneShotNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the predictor over a split of a dataset and scores it as the paper does (model-spec section 9): the
 * classification images give the confusion matrix and its report, the segmentation images the per-image mask AP
 * and COCO mask AP. Every mask label (lung, GGO, consolidation) takes part in AP unless a label set is given.
 *
 * <p>Slices go to the predictor {@code batch} at a time ({@link SlicePredictor#predict(NDManager, List)}); the
 * scores do not depend on it, only the speed and the memory do. Progress is still reported per image.
 */
public final class Evaluator {
    /** Called after each image: images done, images in all. */
    public interface Progress {
        void done(int images, int total);
    }

    /**
     * The batch checkpoint scoring uses unless told otherwise: measured on CPU workers (docs/benchmarks.md,
     * "Checkpoint scoring").
     */
    public static final int SCORING_BATCH = 4;

    private final SlicePredictor predictor;
    private final ApProtocol protocol;
    private final Set<Integer> labels;
    private final int batch;

    /**
     * @param protocol the detections {@code predictor} keeps, recorded with the scores
     * @param labels mask labels that take part in AP, null for all
     */
    public Evaluator(SlicePredictor predictor, ApProtocol protocol, Set<Integer> labels) {
        this(predictor, protocol, labels, 1);
    }

    /** @param batch slices per call of the predictor, at least 1 */
    public Evaluator(SlicePredictor predictor, ApProtocol protocol, Set<Integer> labels, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("evaluation batch must be at least 1, got " + batch);
        }
        this.predictor = predictor;
        this.protocol = java.util.Objects.requireNonNull(protocol, "protocol");
        this.labels = labels == null ? null : Set.copyOf(labels);
        this.batch = batch;
    }

    /** An evaluator of {@code net} whose predictor keeps the detections {@code protocol} names, one slice a pass. */
    public static Evaluator of(OneShotNet net, ApProtocol protocol, Set<Integer> labels) {
        return of(net, protocol, labels, 1);
    }

    /** As {@link #of(OneShotNet, ApProtocol, Set)}, {@code batch} slices a forward pass. */
    public static Evaluator of(OneShotNet net, ApProtocol protocol, Set<Integer> labels, int batch) {
        return new Evaluator(new OneShotPredictor(net, protocol.detections(net.config())), protocol, labels, batch);
    }

    public int batch() {
        return batch;
    }

    public Evaluation evaluate(NDManager manager, CtDataset data, String split, Progress progress) {
        List<ClassificationItem> cls = data.classification().stream().filter(i -> i.split().equals(split)).toList();
        List<SegmentationItem> seg = data.segmentation().stream().filter(i -> i.split().equals(split)).toList();
        if (cls.isEmpty() && seg.isEmpty()) {
            throw new IllegalArgumentException("dataset " + data.root() + " has no images in split '" + split + "'");
        }
        return evaluate(manager, split, cls, seg, progress);
    }

    /** Scores these images, recorded under the name {@code split} (a validation set: {@link ValidationSet}). */
    public Evaluation evaluate(NDManager manager, ValidationSet set, String split, Progress progress) {
        return evaluate(manager, split, set.classification(), set.segmentation(), progress);
    }

    private Evaluation evaluate(NDManager manager, String split, List<ClassificationItem> cls,
            List<SegmentationItem> seg, Progress progress) {
        int total = cls.size() + seg.size();
        int done = 0;
        ConfusionMatrix cm = new ConfusionMatrix();
        List<ClassificationCsv.Row> rows = new ArrayList<>();
        for (int from = 0; from < cls.size(); from += batch) {
            List<ClassificationItem> part = cls.subList(from, Math.min(cls.size(), from + batch));
            List<Prediction> ps = predictor.predict(manager, part.stream().map(ClassificationItem::load).toList());
            for (int i = 0; i < part.size(); i++) {
                ClassificationItem item = part.get(i);
                Prediction p = ps.get(i);
                cm.add(item.label().index, p.predicted().index);
                rows.add(new ClassificationCsv.Row(item.name(), item.label().index, p.predicted().index));
                progress.done(++done, total);
            }
        }
        List<PaperApImage> apImages = new ArrayList<>();
        List<CocoImage> images = new ArrayList<>();
        List<CocoAnnotation> annotations = new ArrayList<>();
        List<CocoDetection> detections = new ArrayList<>();
        List<String> names = new ArrayList<>();
        TreeSet<Integer> seen = new TreeSet<>();
        for (int from = 0; from < seg.size(); from += batch) {
            List<SegmentationItem> part = seg.subList(from, Math.min(seg.size(), from + batch));
            List<SegmentationSample> samples = part.stream().map(SegmentationItem::load).toList();
            List<Prediction> ps = predictor.predict(manager, samples.stream().map(SegmentationSample::image).toList());
            for (int j = 0; j < part.size(); j++) {
                SegmentationItem item = part.get(j);
                SegmentationSample s = samples.get(j);
                Prediction p = ps.get(j);
                int w = s.image().width();
                int h = s.image().height();
                long id = images.size() + 1;
                images.add(new CocoImage(id, w, h));
                names.add(item.name());
                List<MaskPrediction> preds = new ArrayList<>();
                for (Lesion l : p.lesions()) {
                    if (labels == null || labels.contains(l.label().value)) {
                        preds.add(new MaskPrediction(l.label().value, l.score(), l.mask()));
                        detections.add(new CocoDetection(id, l.label().value, l.score(), l.mask()));
                        seen.add(l.label().value);
                    }
                }
                List<MaskTruth> truths = new ArrayList<>();
                for (InstanceMask m : s.instances()) {
                    int label = m.instance().label();
                    if (labels == null || labels.contains(label)) {
                        BinaryMask mask = BinaryMask.of(h, w, (y, x) -> m.contains(x, y));
                        truths.add(new MaskTruth(label, mask));
                        annotations.add(new CocoAnnotation(annotations.size() + 1, id, label, mask, false));
                        seen.add(label);
                    }
                }
                apImages.add(new PaperApImage(item.name(), preds, truths));
                progress.done(++done, total);
            }
        }
        // every label the model can output is a category, so a false positive of a label absent from this split's
        // truth still counts against COCO AP (pycocotools evaluates the categories the dataset declares)
        List<Integer> categories = labels == null ? List.of(1, 2, 3) : List.copyOf(new TreeSet<>(labels));
        CocoGroundTruth gt = new CocoGroundTruth(images, categories, annotations);
        List<Integer> apLabels = labels == null ? List.copyOf(seen) : List.copyOf(new TreeSet<>(labels));
        return new Evaluation(split, protocol, cls.isEmpty() ? null : ClassificationReport.of(cm), rows,
                seg.isEmpty() ? null : PaperAp.evaluate(apImages, labels), apLabels,
                seg.isEmpty() ? null : CocoMaskAp.evaluate(gt, detections), gt, detections, names, apImages);
    }
}
