package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCtTest {
    private static final SyntheticCt.Options SMALL =
            SyntheticCt.Options.defaults().withSeed(7).withCounts(10, 4, 9, 6);

    @TempDir
    Path tmp;

    private static Set<String> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static byte[] pixels(Path png, int size) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType(), png.toString());
        assertEquals(size, img.getWidth());
        assertEquals(size, img.getHeight());
        byte[] px = new byte[size * size];
        img.getRaster().getDataElements(0, 0, size, size, px);
        return px;
    }

    @Test
    void sameSeedGivesIdenticalBytesAndOtherSeedsDiffer() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        SynthResult ra = new SyntheticCt(SMALL).write(a, s -> { });
        SynthResult rb = new SyntheticCt(SMALL).write(b, s -> { });
        new SyntheticCt(SMALL.withSeed(8)).write(c, s -> { });
        assertEquals(ra, rb);
        assertEquals(files(a), files(b));
        for (String f : files(a)) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        assertEquals(Manifest.id(a.resolve("manifest.json")), Manifest.id(b.resolve("manifest.json")));
        assertNotEquals(Manifest.id(a.resolve("manifest.json")), Manifest.id(c.resolve("manifest.json")));
        // names follow the index, content the seed: every image differs
        assertEquals(files(a), files(c));
        for (String f : files(a)) {
            if (f.endsWith(".png") && !f.contains("/masks/")) {
                assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(c.resolve(f))),
                        f);
            }
        }
    }

    @Test
    void anItemDoesNotDependOnTheCounts() throws Exception {
        SyntheticCt few = new SyntheticCt(SMALL.withCounts(3, 1, 4, 2));
        SyntheticCt many = new SyntheticCt(SMALL);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(few.segmentation("train", i, true).image(), many.segmentation("train", i, true).image());
        }
        assertArrayEquals(few.segmentation("test", 0, true).image(), many.segmentation("test", 0, true).image());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(few.classification("train", i, true).image(),
                    many.classification("train", i, true).image());
        }
        assertEquals(few.plan().segmentation().get(2), many.plan().segmentation().get(2));
    }

    @Test
    void writesTheLayoutSplitListsAndManifest() throws Exception {
        Path root = tmp.resolve("ds");
        SyntheticCt.Options options = SMALL.withValidation(3, 6);
        SynthResult r = new SyntheticCt(options).write(root, s -> { });
        assertEquals(r, new SyntheticCt(options).plan(), "plan() re-derives what write() drew");
        assertEquals(17, r.segmentation().size());
        assertEquals(21, r.classification().size());

        Set<String> expected = new TreeSet<>(List.of("manifest.json",
                "segmentation/train_split_segmentation.txt", "segmentation/test_split_segmentation.txt",
                "segmentation/val_split_segmentation.txt", "classification/val_split_classification.txt",
                "classification/train_split_classification.txt", "classification/test_split_classification.txt"));
        for (String split : SyntheticCt.SPLITS) {
            List<String> seg = new ArrayList<>();
            for (SynthResult.SegItem it : r.segmentation()) {
                if (it.split().equals(split)) {
                    assertTrue(it.name().matches("p\\d{4}_\\d{4}"), it.name());
                    expected.add("segmentation/" + split + "/imgs/" + it.name() + ".png");
                    expected.add("segmentation/" + split + "/masks/" + it.name() + ".png");
                    seg.add(it.name());
                }
            }
            List<String> cls = new ArrayList<>();
            for (SynthResult.ClsItem it : r.classification()) {
                if (it.split().equals(split)) {
                    assertTrue(it.fileName().matches("[012]_\\d{4}_\\d_\\d{4}\\.png"), it.fileName());
                    assertEquals(it.label().index, it.fileName().charAt(0) - '0');
                    expected.add("classification/" + split + "/" + it.fileName());
                    cls.add(it.fileName());
                }
            }
            seg.sort(null);
            cls.sort(null);
            assertEquals(seg, Files.readAllLines(root.resolve("segmentation/" + split + "_split_segmentation.txt")));
            assertEquals(cls,
                    Files.readAllLines(root.resolve("classification/" + split + "_split_classification.txt")));
        }
        assertEquals(expected, files(root));

        // classes round-robin: 9 train slices are 3 of each class, 6 test slices 2 of each
        long[] perClass = new long[3];
        r.classification().stream().filter(c -> c.split().equals("train")).forEach(c -> perClass[c.label().index]++);
        assertArrayEquals(new long[] {3, 3, 3}, perClass);

        // train, validation and test patients are disjoint
        java.util.Map<String, Set<String>> patients = new java.util.TreeMap<>();
        for (SynthResult.SegItem it : r.segmentation()) {
            patients.computeIfAbsent(it.split(), k -> new TreeSet<>()).add(it.name().substring(0, 5));
        }
        for (SynthResult.ClsItem it : r.classification()) {
            patients.computeIfAbsent(it.split(), k -> new TreeSet<>()).add("c" + it.fileName().substring(2, 6));
        }
        assertEquals(Set.of("train", "val", "test"), patients.keySet());
        for (String a : patients.keySet()) {
            for (String b : patients.keySet()) {
                if (!a.equals(b)) {
                    assertTrue(patients.get(a).stream().noneMatch(patients.get(b)::contains), a + " / " + b);
                }
            }
        }
        // a validation split came later: it changes no training or test slice
        SynthResult without = new SyntheticCt(SMALL).plan();
        assertEquals(without.segmentation(), r.segmentation().stream().filter(i -> !i.split().equals("val"))
                .toList());

        Manifest m = Manifest.read(root.resolve("manifest.json"));
        expected.remove("manifest.json");
        assertEquals(new ArrayList<>(expected), m.files().stream().map(Manifest.Entry::path).toList());
        m.verify(root);
        assertEquals(new SyntheticCt(options).datasetName(), m.name());
    }

    @Test
    void masksHoldOnlyTheirValuesAndMatchTheRecordedTruth() throws Exception {
        Path root = tmp.resolve("ds");
        SyntheticCt gen = new SyntheticCt(SMALL);
        SynthResult r = gen.write(root, s -> { });
        int n = SMALL.size();
        int index = 0;
        for (SynthResult.SegItem it : r.segmentation()) {
            int i = it.split().equals("train") ? index++ : index++ - SMALL.segTrain();
            byte[] mask = pixels(root.resolve("segmentation/" + it.split() + "/masks/" + it.name() + ".png"), n);
            pixels(root.resolve("segmentation/" + it.split() + "/imgs/" + it.name() + ".png"), n);
            for (byte v : mask) {
                assertTrue(v >= 0 && v <= 3, it.name() + " mask value " + v);
            }
            Phantom ph = gen.segmentation(it.split(), i, false).phantom();
            assertTruthConsistent(it.name(), mask, ph, n);
            assertEquals(it.instances(), ph.instances());
            assertEquals(components(mask, n), it.instances(), it.name() + ": reader rule vs recorded truth");
        }
    }

    /**
     * Every recorded object's pixels carry its label and lie in its box, their count is its area, no pixel has two
     * owners, and no pixel with a value 1..3 is left unattributed.
     */
    static void assertTruthConsistent(String name, byte[] mask, Phantom ph, int n) {
        int[] owners = new int[mask.length];
        for (Phantom.Part part : ph.parts) {
            Instance inst = Grid.instance(part.label, part.pixels, n);
            int count = 0;
            for (int p : part.pixels) {
                assertEquals(part.label, mask[p], name + " pixel " + p);
                int x = p % n;
                int y = p / n;
                assertTrue(x >= inst.box().x1() && x < inst.box().x2() && y >= inst.box().y1() && y < inst.box().y2());
                owners[p]++;
                count++;
            }
            assertEquals(inst.area(), count);
            assertTrue(inst.area() > 100, name + ": object of " + inst.area() + " px");
        }
        for (int p = 0; p < mask.length; p++) {
            assertEquals(mask[p] == 0 ? 0 : 1, owners[p], name + ": owners of pixel " + p + " (value " + mask[p] + ")");
        }
    }

    /**
     * The reader's rule, computed independently: 8-connected components of each value 1..3 with more than 100 px,
     * sorted like the recorded truth. A component of 100 px or less fails the test: none must exist.
     */
    static List<Instance> components(byte[] mask, int n) {
        List<Instance> out = new ArrayList<>();
        boolean[] seen = new boolean[mask.length];
        for (int start = 0; start < mask.length; start++) {
            if (mask[start] == 0 || seen[start]) {
                continue;
            }
            int v = mask[start];
            List<Integer> stack = new ArrayList<>(List.of(start));
            seen[start] = true;
            int x1 = n;
            int y1 = n;
            int x2 = -1;
            int y2 = -1;
            int area = 0;
            while (!stack.isEmpty()) {
                int p = stack.remove(stack.size() - 1);
                int x = p % n;
                int y = p / n;
                area++;
                x1 = Math.min(x1, x);
                y1 = Math.min(y1, y);
                x2 = Math.max(x2, x);
                y2 = Math.max(y2, y);
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        int yy = y + dy;
                        if (xx >= 0 && yy >= 0 && xx < n && yy < n && !seen[yy * n + xx] && mask[yy * n + xx] == v) {
                            seen[yy * n + xx] = true;
                            stack.add(yy * n + xx);
                        }
                    }
                }
            }
            assertTrue(area > 100, "stray component of value " + v + ", " + area + " px at " + x1 + "," + y1);
            out.add(new Instance(v, new Box(x1, y1, x2 + 1, y2 + 1), area));
        }
        out.sort(SynthResult.INSTANCE_ORDER);
        return out;
    }

    @Test
    void truthHoldsOverManySlicesAndSizes() {
        // the rejection rules must hold for every draw, not just the default dataset: many seeds, every size regime
        int[][] runs = {{256, 120}, {64, 30}, {128, 30}, {512, 8}};
        for (int[] run : runs) {
            int n = run[0];
            for (int i = 0; i < run[1]; i++) {
                SyntheticCt gen = new SyntheticCt(SyntheticCt.Options.defaults().withSeed(1000 + i).withSize(n));
                for (String split : SyntheticCt.SPLITS) {
                    Phantom ph = gen.segmentation(split, i, false).phantom();
                    byte[] mask = ph.mask();
                    String name = n + "px seed " + (1000 + i) + " " + split + " " + i;
                    assertTruthConsistent(name, mask, ph, n);
                    assertEquals(components(mask, n), ph.instances(), name);
                }
            }
        }
    }

    @Test
    void classesLookAsDescribed() {
        SyntheticCt gen = new SyntheticCt(SyntheticCt.Options.defaults().withSeed(3));
        int n = 256;
        int[] seen = new int[3];
        for (int i = 0; i < 90; i++) {
            boolean seg = i < 60;
            SyntheticCt.Slice s = seg ? gen.segmentation("train", i, true) : gen.classification("train", i, true);
            ImageClass kind = seg ? SyntheticCt.segAppearance(i) : SyntheticCt.clsClass(i);
            seen[kind.index]++;
            Phantom ph = s.phantom();
            byte[] mask = ph.mask();
            // lesion pixels per image half (the lungs lie either side of the midline)
            int[][] perSide = new int[2][4];
            for (int p = 0; p < mask.length; p++) {
                perSide[p % n + 0.5 < ph.anatomy.midline ? 0 : 1][mask[p]]++;
            }
            int left = perSide[0][2] + perSide[0][3];
            int right = perSide[1][2] + perSide[1][3];
            String what = kind + " slice " + i;
            switch (kind) {
                case NORMAL -> assertEquals(0, left + right, what);
                case COVID -> {
                    assertTrue(perSide[0][2] > 100 && perSide[1][2] > 100, what + ": GGO in both lungs");
                    assertTrue(perSide[0][3] + perSide[1][3] < left + right, what + ": mostly GGO");
                }
                case CP -> {
                    assertTrue(perSide[0][3] + perSide[1][3] > 100, what + ": consolidation");
                    assertTrue(Math.max(left, right) >= 0.75 * (left + right), what + ": mostly one side");
                }
            }
            // on the image: GGO brighter than plain lung, consolidation brighter than GGO
            double[] mean = new double[4];
            int[] count = new int[4];
            for (int p = 0; p < mask.length; p++) {
                mean[mask[p]] += s.image()[p] & 0xFF;
                count[mask[p]]++;
            }
            for (int v = 1; v <= 3; v++) {
                mean[v] /= Math.max(1, count[v]);
            }
            if (count[2] > 0) {
                assertTrue(mean[2] > mean[1], what + ": GGO " + mean[2] + " vs lung " + mean[1]);
            }
            if (count[3] > 0) {
                assertTrue(mean[3] > mean[1] + 20, what + ": consolidation " + mean[3] + " vs lung " + mean[1]);
            }
        }
        assertTrue(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
    }

    @Test
    void optionsAreValidated() {
        SyntheticCt.Options d = SyntheticCt.Options.defaults();
        assertMessage(() -> d.withSize(63), "size (--size)");
        assertMessage(() -> d.withSize(1025), "got 1025");
        assertMessage(() -> d.withCounts(0, 1, 1, 1), "segTrain (--seg-train)");
        assertMessage(() -> d.withCounts(1, 0, 1, 1), "segTest (--seg-test)");
        assertMessage(() -> d.withCounts(1, 1, 5001, 1), "clsTrain (--cls-train)");
        assertMessage(() -> d.withCounts(1, 1, 1, -2), "clsTest (--cls-test)");
        d.withSize(64);
        d.withSize(1024);
        d.withCounts(5000, 1, 1, 5000);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String text) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(text), ex.getMessage());
    }

    @Test
    void refusesANonEmptyFolderOrAFile() throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "mine");
        DataException e = assertThrows(DataException.class, () -> new SyntheticCt(SMALL).write(tmp, s -> { }));
        assertEquals(tmp, e.file());
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("mine", Files.readString(tmp.resolve("keep.txt")));
        DataException f = assertThrows(DataException.class,
                () -> new SyntheticCt(SMALL).write(tmp.resolve("keep.txt"), s -> { }));
        assertTrue(f.getMessage().contains("not a folder"), f.getMessage());
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        new SyntheticCt(SMALL.withCounts(1, 1, 1, 1)).write(empty, s -> { });
        assertTrue(Files.exists(empty.resolve("manifest.json")));
    }

    @Test
    void reportsProgress() throws Exception {
        List<String> lines = new ArrayList<>();
        new SyntheticCt(SMALL.withCounts(2, 1, 3, 1)).write(tmp.resolve("p"), lines::add);
        assertEquals(List.of("segmentation train 1/2", "segmentation train 2/2", "segmentation test 1/1",
                "classification train 1/3", "classification train 2/3", "classification train 3/3",
                "classification test 1/1"), lines);
    }
}
