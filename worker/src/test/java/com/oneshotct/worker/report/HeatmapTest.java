package com.oneshotct.worker.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeatmapTest {
    private static final List<String> LABELS = List.of("Normal", "CP", "COVID-19");

    @Test
    void cellsGetDarkerAsTheirCountGrows() {
        BufferedImage img = Heatmap.render("cm", LABELS, HandMadeReport.MATRIX);
        List<int[]> cells = new ArrayList<>(); // count, luminance of a pixel inside the cell away from its text
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                int[] o = Heatmap.cellOrigin(t, p);
                Color c = new Color(img.getRGB(o[0] + 4, o[1] + 4));
                assertEquals(Heatmap.color(HandMadeReport.MATRIX[t][p], 9), c, "cell " + t + "," + p);
                cells.add(new int[] {HandMadeReport.MATRIX[t][p], (int) Math.round(Heatmap.luminance(c) * 1000)});
            }
        }
        cells.sort(Comparator.comparingInt(c -> c[0]));
        for (int i = 1; i < cells.size(); i++) {
            assertTrue(cells.get(i)[1] < cells.get(i - 1)[1], "count " + cells.get(i)[0] + " must be darker than "
                    + cells.get(i - 1)[0]);
        }
        assertEquals(Color.WHITE, Heatmap.color(0, 9));
        assertEquals(Color.WHITE, Heatmap.color(0, 0));
    }

    @Test
    void refusesAMatrixThatIsNotSquareOrHasNegativeCounts() {
        assertThrows(IllegalArgumentException.class, () -> Heatmap.render("x", LABELS, new int[][] {{1, 2, 3}}));
        assertThrows(IllegalArgumentException.class,
                () -> Heatmap.render("x", LABELS, new int[][] {{1, 2, 3}, {1, 2}, {1, 2, 3}}));
        assertThrows(IllegalArgumentException.class,
                () -> Heatmap.render("x", LABELS, new int[][] {{1, 2, 3}, {1, -2, 3}, {1, 2, 3}}));
    }
}
