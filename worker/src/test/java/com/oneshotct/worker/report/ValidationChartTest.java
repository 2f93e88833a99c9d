package com.oneshotct.worker.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.oneshotct.db.ClassRates;
import com.oneshotct.db.ConfusionMatrix;
import com.oneshotct.db.Evaluation;
import com.oneshotct.db.EvaluationScores;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every validation score lands where its iteration and value say; the chosen checkpoint's line is drawn. */
class ValidationChartTest {
    private static final int W = 900;
    private static final int H = 360;

    private static Evaluation val(long id, int iteration, double weightedF1, double ap50) {
        int[][] cm = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        EvaluationScores s = new EvaluationScores("val", 3, List.of("ggo"), ConfusionMatrix.of(cm), 0.05, weightedF1,
                weightedF1, new ClassRates(1.0, 1.0, 1.0), new ClassRates(1.0, 1.0, 1.0), ap50, 0, 0, 0, 0, 0, 128,
                0.75);
        return new Evaluation(id, "r", id, iteration, "k" + iteration, Instant.EPOCH, s, null);
    }

    /** The plot box as {@link ChartCanvas} lays it out. */
    private static int x(int iteration, int xMax) {
        return 60 + (int) Math.round((W - 150 - 60) * (double) iteration / xMax);
    }

    private static int y(double v) {
        return (H - 40) - (int) Math.round((H - 40 - 30) * v);
    }

    @Test
    void pointsSitAtTheirIterationAndScore() {
        List<Evaluation> rows = List.of(val(2, 20, 0.5, 0.25), val(1, 10, 0.25, 0.75), val(3, 40, 1.0, 0.0));
        BufferedImage img = ValidationChart.render(rows, 20, 40, W, H);
        assertEquals(W, img.getWidth());
        int white = Color.WHITE.getRGB();
        // weighted F1 (first colour) and AP50 (third) at each checkpoint
        assertEquals(new Color(31, 119, 180).getRGB(), img.getRGB(x(40, 40), y(1.0) + 1));
        assertEquals(new Color(44, 160, 44).getRGB(), img.getRGB(x(10, 40), y(0.75)));
        assertNotEquals(white, img.getRGB(x(20, 40), y(0.5)));
        // nothing where no score is: the middle of an empty stretch above the curves
        assertEquals(white, img.getRGB(x(30, 40) + 3, y(0.9)));
        // the dashed line of the chosen checkpoint (iteration 20) runs down the box
        long grey = java.util.stream.IntStream.range(y(1.0) + 20, y(0.6)).filter(py -> img.getRGB(x(20, 40), py)
                == Color.GRAY.getRGB()).count();
        assertEquals(true, grey > 10, "dashed chosen line: " + grey + " grey pixels");
    }
}
