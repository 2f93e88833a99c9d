package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.model.data.DataException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DatasetCommandTest {
    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final List<Exception> thrown = new ArrayList<>();

    /**
     * segmentation/train/imgs/a.png 20x16: lung rect x 1..11, y 2..12 (11x10 = 110 px), box (1,2,12,12);
     * segmentation/test/imgs/b.jpg 20x16: GGO 12x10 at (5,3) = 120 px plus a 3x3 consolidation speck (dropped);
     * classification/train: 0_p1_1_1.png, 2_p2_1_7.png; classification/test via list: 1_p3_2_4.png only.
     */
    @BeforeEach
    void dataset() throws IOException {
        grey(root.resolve("segmentation/train/imgs/a.png"), 20, 16);
        mask(root.resolve("segmentation/train/masks/a.png"), 20, 16, new int[] {1, 1, 2, 12, 12});
        grey(root.resolve("segmentation/test/imgs/b.jpg"), 20, 16);
        mask(root.resolve("segmentation/test/masks/b.png"), 20, 16, new int[] {2, 5, 3, 17, 13},
                new int[] {3, 0, 13, 3, 16});
        grey(root.resolve("classification/train/2_p2_1_7.png"), 8, 8);
        grey(root.resolve("classification/train/0_p1_1_1.png"), 8, 8);
        grey(root.resolve("classification/test/1_p3_2_4.png"), 8, 8);
        grey(root.resolve("classification/test/0_p9_9_9.png"), 8, 8);
        Files.writeString(root.resolve("classification/test_split_classification.txt"), "1_p3_2_4.png 1 0 0 8 8\n");
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new DatasetCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            thrown.add(ex);
            return 2;
        });
        return cli.execute(args);
    }

    @Test
    void jsonListsEveryItem() throws IOException {
        assertEquals(0, run("inspect", root.toString(), "--json"));
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals(List.of("segmentation", "classification"), names(json));

        JsonNode seg = json.get("segmentation");
        assertEquals(2, seg.size());
        JsonNode b = seg.get(0); // splits sorted: test before train
        assertEquals(List.of("split", "image", "width", "height", "instances"), names(b));
        assertEquals("test", b.get("split").asText());
        assertEquals("b.jpg", b.get("image").asText());
        assertEquals(20, b.get("width").asInt());
        assertEquals(16, b.get("height").asInt());
        assertEquals(1, b.get("instances").size());
        JsonNode ggo = b.get("instances").get(0);
        assertEquals(List.of("label", "box", "area"), names(ggo));
        assertEquals(2, ggo.get("label").asInt());
        assertEquals(List.of(5, 3, 17, 13), ints(ggo.get("box")));
        assertEquals(120, ggo.get("area").asInt());
        JsonNode lung = seg.get(1).get("instances").get(0);
        assertEquals("train", seg.get(1).get("split").asText());
        assertEquals("a.png", seg.get(1).get("image").asText());
        assertEquals(1, lung.get("label").asInt());
        assertEquals(List.of(1, 2, 12, 12), ints(lung.get("box")));
        assertEquals(110, lung.get("area").asInt());

        JsonNode cls = json.get("classification");
        assertEquals(3, cls.size());
        assertEquals(List.of("split", "image", "label"), names(cls.get(0)));
        assertEquals(List.of("test 1_p3_2_4.png 1", "train 0_p1_1_1.png 0", "train 2_p2_1_7.png 2"),
                List.of(row(cls.get(0)), row(cls.get(1)), row(cls.get(2))));
    }

    @Test
    void summaryCountsSplitsLabelsAndClasses() {
        assertEquals(0, run("inspect", root.toString()));
        String text = out.toString();
        assertTrue(text.contains("segmentation: 2 images in 2 splits"), text);
        assertTrue(text.contains("test: 1 images, 1 instances (lung 0, GGO 1, consolidation 0)"), text);
        assertTrue(text.contains("train: 1 images, 1 instances (lung 1, GGO 0, consolidation 0)"), text);
        assertTrue(text.contains("classification: 3 images in 2 splits"), text);
        assertTrue(text.contains("test: 1 images (Normal 0, CP 1, COVID-19 0)"), text);
        assertTrue(text.contains("train: 2 images (Normal 1, CP 0, COVID-19 1)"), text);
    }

    @Test
    void truncatedClassificationImageFailsUnlessVerifyIsOff() throws IOException {
        Path cut = root.resolve("classification/train/2_p2_1_7.png");
        byte[] b = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(b, b.length / 2));
        assertEquals(2, run("inspect", root.toString(), "--json"));
        DataException e = assertInstanceOf(DataException.class, thrown.get(0));
        assertEquals(cut, e.file());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(0, run("inspect", root.toString(), "--json", "--no-verify"));
    }

    @Test
    void badMaskIsReported() throws IOException {
        Path m = root.resolve("segmentation/train/masks/a.png");
        mask(m, 20, 16, new int[] {9, 4, 4, 5, 5});
        assertEquals(2, run("inspect", root.toString()));
        DataException e = assertInstanceOf(DataException.class, thrown.get(0));
        assertTrue(e.getMessage().contains(m.toString()) && e.getMessage().contains("mask value 9"), e.getMessage());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(thrown.isEmpty());
    }

    private static String row(JsonNode n) {
        return n.get("split").asText() + " " + n.get("image").asText() + " " + n.get("label").asInt();
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static List<Integer> ints(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asInt()));
        return out;
    }

    private static void grey(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 9 + y * 5) & 0xff);
            }
        }
        write(img, file);
    }

    /** Rectangles {value, x1, y1, x2, y2}, x2 and y2 exclusive, on a zero mask. */
    private static void mask(Path file, int w, int h, int[]... rects) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int[] r : rects) {
            for (int y = r[2]; y < r[4]; y++) {
                for (int x = r[1]; x < r[3]; x++) {
                    img.getRaster().setSample(x, y, 0, r[0]);
                }
            }
        }
        write(img, file);
    }

    private static void write(BufferedImage img, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        ImageIO.write(img, name.endsWith(".png") ? "png" : "jpeg", file.toFile());
    }
}
