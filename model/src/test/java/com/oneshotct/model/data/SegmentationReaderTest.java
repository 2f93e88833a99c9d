package com.oneshotct.model.data;

import static com.oneshotct.model.data.SlicesTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationReaderTest {
    private static final int W = 40;
    private static final int H = 30;
    // lung 12x10 = 120 px, GGO 11x10 = 110 px, consolidation 5x5 = 25 px (too small to count)
    private static final int[] LUNG = {1, 2, 3, 14, 13};
    private static final int[] GGO = {2, 20, 5, 31, 15};
    private static final int[] SPECK = {3, 34, 20, 39, 25};
    private static final Instance LUNG_I = new Instance(1, new Box(2, 3, 14, 13), 120);
    private static final Instance GGO_I = new Instance(2, new Box(20, 5, 31, 15), 110);

    @TempDir
    Path root;

    /** imgs/NAME.EXT + masks/NAME.png under dir. */
    private static void pair(Path dir, String name, String ext, int[]... rects) {
        Fixtures.slice(dir.resolve("imgs").resolve(name + "." + ext), W, H);
        Fixtures.mask(dir.resolve("masks").resolve(name + ".png"), W, H, rects);
    }

    @Test
    void splitFoldersWithAndWithoutList() {
        Path train = root.resolve("train");
        pair(train, "p1_2", "png", LUNG, GGO, SPECK);
        pair(train, "p1_10", "jpg", GGO);
        Path test = root.resolve("test");
        pair(test, "p2_7", "jpg", LUNG);
        pair(test, "p2_3", "png");
        pair(test, "p2_9", "png", LUNG); // not listed: ignored
        Fixtures.text(root.resolve("test_split_segmentation.txt"), "# chosen slices\n\np2_7.jpg\n  p2_3  \n");

        List<SegmentationItem> items = SegmentationReader.read(root);
        // splits sorted; train in name order ("p1_10" < "p1_2"), test in list order
        assertEquals(List.of("test/p2_7", "test/p2_3", "train/p1_10", "train/p1_2"),
                items.stream().map(i -> i.split() + "/" + i.name()).toList());
        SegmentationItem p12 = items.get(3);
        assertEquals(train.resolve("imgs/p1_2.png"), p12.image());
        assertEquals(train.resolve("masks/p1_2.png"), p12.mask());
        assertEquals(W, p12.width());
        assertEquals(H, p12.height());
        assertEquals(List.of(LUNG_I, GGO_I), p12.instances());
        assertEquals(List.of(GGO_I), items.get(2).instances());
        assertEquals(List.of(), items.get(1).instances());
        assertEquals(test.resolve("imgs/p2_7.jpg"), items.get(0).image());
    }

    @Test
    void flatFolderWithoutListIsSplitAll() {
        pair(root, "b", "png", GGO);
        pair(root, "a", "jpg", LUNG);
        List<SegmentationItem> items = SegmentationReader.read(root);
        assertEquals(List.of("all/a", "all/b"), items.stream().map(i -> i.split() + "/" + i.name()).toList());
    }

    @Test
    void flatFolderWithListsDefinesSplits() {
        pair(root, "a", "png", LUNG);
        pair(root, "b", "png", GGO);
        pair(root, "c", "jpg");
        Fixtures.text(root.resolve("val_split_segmentation.txt"), "c\n");
        Fixtures.text(root.resolve("train_split_segmentation.txt"), "b.png\na.png\n");
        List<SegmentationItem> items = SegmentationReader.read(root);
        assertEquals(List.of("train/b", "train/a", "val/c"), items.stream().map(i -> i.split() + "/" + i.name()).toList());
    }

    @Test
    void loadGivesPixelsAndInstanceMasks() {
        pair(root, "a", "png", LUNG, GGO);
        SegmentationItem item = SegmentationReader.read(root).get(0);
        SegmentationSample s = item.load();
        assertEquals(W, s.image().width());
        assertEquals((5 * 7 + 4 * 3) & 0xff, s.image().get(5, 4)); // Fixtures.slice's gradient
        assertEquals(item.instances(), s.instances().stream().map(InstanceMask::instance).toList());
        assertEquals(120, s.instances().get(0).bits().cardinality());
    }

    @Test
    void maskWithoutImageNamesBoth() throws IOException {
        pair(root, "a", "png", LUNG);
        Path orphan = Fixtures.mask(root.resolve("masks/b.png"), W, H, LUNG);
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertEquals(orphan, e.file());
        assertContains(e, orphan.toString(), "mask without image", root.resolve("imgs/b").toString());
    }

    @Test
    void imageWithoutMaskNamesBoth() {
        pair(root, "a", "png", LUNG);
        Path orphan = Fixtures.slice(root.resolve("imgs/b.jpg"), W, H);
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertEquals(orphan, e.file());
        assertContains(e, orphan.toString(), "image without mask", root.resolve("masks/b.png").toString());
    }

    @Test
    void listedItemWithoutMaskNamesTheList() {
        pair(root, "a", "png", LUNG);
        Fixtures.slice(root.resolve("imgs/b.png"), W, H);
        Path list = Fixtures.text(root.resolve("train_split_segmentation.txt"), "a\nb\n");
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, "image without mask", root.resolve("masks/b.png").toString(), list.toString(), "line 2");
    }

    @Test
    void sizeMismatchGivesBothSizes() {
        Fixtures.slice(root.resolve("imgs/a.png"), W + 1, H);
        Path mask = Fixtures.mask(root.resolve("masks/a.png"), W, H, LUNG);
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertEquals(mask, e.file());
        assertContains(e, "size mismatch", "mask is 40x30", "is 41x30", root.resolve("imgs/a.png").toString());
    }

    @Test
    void maskValueOutsideRange() {
        pair(root, "a", "png", LUNG, new int[] {4, 30, 20, 32, 22});
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, root.resolve("masks/a.png").toString(), "mask value 4", "x=30, y=20");
    }

    @Test
    void truncatedImage() {
        pair(root, "a", "png", LUNG);
        Fixtures.cutInHalf(root.resolve("imgs/a.png"));
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, root.resolve("imgs/a.png").toString(), "truncated");
    }

    @Test
    void listNamingAMissingItem() {
        pair(root.resolve("train"), "a", "png", LUNG);
        Path list = Fixtures.text(root.resolve("train_split_segmentation.txt"), "a\n# gone:\nghost\n");
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertEquals(list, e.file());
        assertContains(e, list.toString(), "line 3", "'ghost' is missing");
    }

    @Test
    void listNamingAnItemTwice() {
        pair(root, "a", "png", LUNG);
        Path list = Fixtures.text(root.resolve("x_split_segmentation.txt"), "a\na.png\n");
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, list.toString(), "line 2", "listed twice", "line 1");
    }

    @Test
    void emptySplitFolder() throws IOException {
        pair(root.resolve("train"), "a", "png", LUNG);
        Files.createDirectories(root.resolve("test/imgs"));
        Files.createDirectories(root.resolve("test/masks"));
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, root.resolve("test/imgs").toString(), "empty split 'test'");
    }

    @Test
    void emptySplitList() {
        pair(root, "a", "png", LUNG);
        Path list = Fixtures.text(root.resolve("val_split_segmentation.txt"), "# nothing yet\n\n");
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, list.toString(), "empty split 'val'");
    }

    @Test
    void emptySegmentationFolder() {
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, root.toString(), "empty split");
    }

    @Test
    void sameNameWithTwoExtensions() {
        pair(root, "a", "png", LUNG);
        Fixtures.slice(root.resolve("imgs/a.jpg"), W, H);
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, "a.jpg", "a.png", "two images named 'a'");
    }

    @Test
    void jpegMaskIsRefused() {
        pair(root, "a", "png", LUNG);
        Fixtures.slice(root.resolve("masks/b.jpg"), W, H);
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, root.resolve("masks/b.jpg").toString(), "must be a PNG");
    }

    @Test
    void listWithoutItsFolder() {
        pair(root.resolve("train"), "a", "png", LUNG);
        Path list = Fixtures.text(root.resolve("test_split_segmentation.txt"), "a\n");
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertContains(e, list.toString(), "without a folder");
    }
}
