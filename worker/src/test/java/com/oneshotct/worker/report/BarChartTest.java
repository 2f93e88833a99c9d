package com.oneshotct.worker.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BarChartTest {

    @Test
    void barHeightsAreProportionalAndAMissingValueHasNoBar() {
        int w = 500;
        int h = 300;
        List<Double> values = Arrays.asList(0.25, 0.5, 1.0, null);
        BufferedImage img = BarChart.render("t", "axis", List.of("a", "b", "c", "d"), values, 1.0, w, h);
        // the plot is h - 48 - 36 = 216 px tall: bars of 54, 108 and 216 px
        int full = h - BarChart.BOTTOM_MARGIN - BarChart.TOP;
        for (int i = 0; i < values.size(); i++) {
            int x = BarChart.centreX(i, values.size(), w);
            int bar = 0;
            for (int y = 0; y < h; y++) {
                if ((img.getRGB(x, y) & 0xffffff) == (BarChart.BAR.getRGB() & 0xffffff)) {
                    bar++;
                }
            }
            int expected = values.get(i) == null ? 0 : (int) Math.round(full * values.get(i));
            assertEquals(expected, bar, "bar " + i);
        }
    }

    @Test
    void refusesMismatchedLabelsAndABadAxis() {
        assertThrows(IllegalArgumentException.class,
                () -> BarChart.render("t", "a", List.of("a"), List.of(0.1, 0.2), 1, 300, 200));
        assertThrows(IllegalArgumentException.class,
                () -> BarChart.render("t", "a", List.of("a"), List.of(0.1), 0, 300, 200));
    }
}
