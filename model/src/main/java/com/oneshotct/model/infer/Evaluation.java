package com.oneshotct.model.infer;

import com.oneshotct.model.metrics.ClassificationCsv;
import com.oneshotct.model.metrics.ClassificationReport;
import com.oneshotct.model.metrics.CocoApResult;
import com.oneshotct.model.metrics.CocoDetection;
import com.oneshotct.model.metrics.CocoGroundTruth;
import com.oneshotct.model.metrics.PaperApImage;
import com.oneshotct.model.metrics.PaperApResult;
import java.util.List;

/**
 * A checkpoint's scores on one split.
 *
 * @param split the split evaluated
 * @param protocol which detections took part in {@code paperAp} and {@code coco}
 * @param classification the classification images' report (null when the split has none)
 * @param predictions each classification image's truth and prediction
 * @param paperAp the paper's per-image mask AP (null when the split has no segmentation images)
 * @param apLabels labels that took part in {@code paperAp} and {@code coco}
 * @param coco COCO-style mask AP (null when the split has no segmentation images)
 * @param groundTruth the segmentation images' instances as COCO ground truth
 * @param detections every detection as a COCO result (image ids index {@code groundTruth}'s images)
 * @param imageNames segmentation image names, by COCO image id - 1
 * @param perImageAp each segmentation image's own prediction set, for reports
 */
public record Evaluation(String split, ApProtocol protocol, ClassificationReport classification, List<ClassificationCsv.Row> predictions,
        PaperApResult paperAp, List<Integer> apLabels, CocoApResult coco, CocoGroundTruth groundTruth,
        List<CocoDetection> detections, List<String> imageNames, List<PaperApImage> perImageAp) {
    public Evaluation {
        java.util.Objects.requireNonNull(protocol, "protocol");
        predictions = List.copyOf(predictions);
        apLabels = List.copyOf(apLabels);
        detections = List.copyOf(detections);
        imageNames = List.copyOf(imageNames);
        perImageAp = List.copyOf(perImageAp);
    }
}
