package com.oneshotct.worker.report;

import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.ClassRates;
import com.oneshotct.db.ConfusionMatrix;
import com.oneshotct.db.Dataset;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.MetricPoint;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.Run;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.model.data.Components;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.data.MaskLabel;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationSample;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.infer.Lesion;
import com.oneshotct.model.infer.Prediction;
import com.oneshotct.model.metrics.BinaryMask;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Report inputs made by hand, with markup in every text the registry or a dataset could hold. */
final class HandMadeReport {
    static final String NAME = "wf-<script>alert(1)</script>";
    /** Distinct counts 0..9 but 7; rows sum to 10, 11 and 17. */
    static final int[][] MATRIX = {{9, 1, 0}, {2, 6, 3}, {4, 5, 8}};

    private HandMadeReport() {}

    static ReportInputs full(int slices) {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        Run run = run(t);
        Checkpoint k = new Checkpoint(7, NAME, 6, 1, "runs/x/attempt-1/iter-6.ckpt", "ab".repeat(32), 1234, t);
        List<StageAttempt> attempts = List.of(
                new StageAttempt(NAME, Stage.FETCH_DATASET, 1, "cpu-1", "q", t, t.plusSeconds(1), Outcome.FAILED,
                        "java.net.SocketException", "reset <b>by</b> peer & gone", null),
                new StageAttempt(NAME, Stage.FETCH_DATASET, 2, "cpu-1", "q", t, t.plusSeconds(2), Outcome.SUCCEEDED,
                        null, null, null),
                new StageAttempt(NAME, Stage.TRAIN, 1, "gpu-1", "q", t, t.plusSeconds(9), Outcome.SUCCEEDED, null,
                        null, "started at iteration 0: the run has no checkpoint yet"));
        List<MetricPoint> curve = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            curve.add(new MetricPoint(i, 0, "loss_total", 3.0 / i));
            curve.add(new MetricPoint(i, 0, "loss_classifier", 1.0 / i));
        }
        // sensitivities 9/10, 6/11, 8/17; precisions 9/15, 6/12, 8/11 (column sums 15, 12, 11); 23 of 38 right
        EvaluationScores s = new EvaluationScores("test", 38, List.of("lung", "ggo"), ConfusionMatrix.of(MATRIX),
                23.0 / 38, 0.61, 0.6, new ClassRates(0.9, 6.0 / 11, 8.0 / 17),
                new ClassRates(9.0 / 15, 0.5, 8.0 / 11), 0.75, 0.5, 0.45, 0.4, 0.7, 0.3, 128, 0.75);
        Evaluation e = new Evaluation(11, NAME, k.id(), k.iteration(), k.objectKey(), t, s, null);
        List<Double> ap = List.of(0.75, 0.7, 0.68, 0.6, 0.55, 0.5, 0.4, 0.3, 0.1, 0.0);
        List<SliceOverlay> overlays = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            overlays.add(overlay("slice<" + i + ">"));
        }
        Dataset ds = new Dataset("cd".repeat(32), "synthetic<64>", "datasets/x/", 40, 4096, Map.of("test", 38), t);
        return new ReportInputs(run, ds, k, attempts, curve, List.of(e), e, new Reevaluation("test", ApProtocol.AUTHORS, 6, ap, s),
                overlays, List.of("a note with <markup> & more"));
    }

    /** A run that never got far: no losses, checkpoint, evaluation or overlays. */
    static ReportInputs bare() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        return new ReportInputs(run(t), null, null, List.of(), List.of(), List.of(), null, null, List.of(),
                List.of("The run has no checkpoint."));
    }

    private static Run run(Instant t) {
        return new Run(NAME, "temporal-1", "{\"imageSize\": 64, \"iterations\": 6, \"lr\": 0.0001, \"seed\": 1}",
                "hash", "code", "resnet18", "synthetic<64>", "cd".repeat(32), RunStatus.SUCCEEDED, t, t,
                t.plusSeconds(60), t.plusSeconds(60), null);
    }

    /** A 64x64 slice: a lung (value 1) with a GGO patch (value 2); the prediction finds the GGO patch only. */
    static SliceOverlay overlay(String name) {
        int n = 64;
        byte[] px = new byte[n * n];
        byte[] mask = new byte[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                px[y * n + x] = (byte) (40 + x * 2);
                if (x >= 10 && x < 40 && y >= 10 && y < 40) {
                    mask[y * n + x] = (byte) (x >= 20 && x < 32 && y >= 20 && y < 32 ? 2 : 1);
                }
            }
        }
        GreyImage mk = new GreyImage(n, n, mask);
        SegmentationItem item = new SegmentationItem("test", name, Path.of(name + ".png"), Path.of(name + "_mask.png"),
                n, n, Components.instances(mk));
        SegmentationSample sample = new SegmentationSample(item, new GreyImage(n, n, px), Components.masks(mk));
        BinaryMask ggo = BinaryMask.of(n, n, (y, x) -> x >= 21 && x < 33 && y >= 20 && y < 31);
        Prediction p = new Prediction(ImageClass.COVID, new double[] {0.1, 0.2, 0.7}, new double[] {-1, 0, 1},
                List.of(new Lesion(MaskLabel.GGO, 0.91, new float[] {21, 20, 33, 31}, ggo)), n, n);
        return SliceOverlay.of(sample, p);
    }
}
