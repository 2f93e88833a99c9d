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

class ClassificationReaderTest {
    @TempDir
    Path root;

    private Path img(String rel) {
        return Fixtures.slice(root.resolve(rel), 8, 6);
    }

    private static List<String> keys(List<ClassificationItem> items) {
        return items.stream().map(i -> i.split() + "/" + i.name() + "=" + i.label()).toList();
    }

    @Test
    void splitFoldersThreeClasses() {
        img("train/2_p3_s1_0005.png");
        img("train/0_p1_s1_0001.png");
        img("train/1_p2_s4_0100.jpg");
        img("test/1_p9_s1_0002.png");
        img("test/0_p8_s2_0003.png");
        Fixtures.text(root.resolve("test_split_classification.txt"), "1_p9_s1_0002.png\n0_p8_s2_0003\n");
        List<ClassificationItem> items = ClassificationReader.read(root);
        assertEquals(List.of("test/1_p9_s1_0002=CP", "test/0_p8_s2_0003=NORMAL", "train/0_p1_s1_0001=NORMAL",
                "train/1_p2_s4_0100=CP", "train/2_p3_s1_0005=COVID"), keys(items));
        assertEquals(root.resolve("train/1_p2_s4_0100.jpg"), items.get(3).image());
    }

    @Test
    void flatFolderWithoutListIsSplitAll() {
        img("2_a_1_1.png");
        img("0_a_1_2.png");
        assertEquals(List.of("all/0_a_1_2=NORMAL", "all/2_a_1_1=COVID"), keys(ClassificationReader.read(root)));
    }

    @Test
    void twoClassIctcfNaming() {
        img("train/0_12_1_001.png");
        img("train/2_13_1_002.png");
        assertEquals(List.of("train/0_12_1_001=NORMAL", "train/2_13_1_002=COVID"), keys(ClassificationReader.read(root)));
    }

    @Test
    void flatFolderWithCovidxListsDefinesSplits() {
        img("0_a_1_1.png");
        img("1_b_1_1.png");
        img("2_c_1_1.png");
        Fixtures.text(root.resolve("train_split_classification.txt"), "2_c_1_1.png 2 10 20 300 400\n0_a_1_1.png 0 1 2 3 4\n");
        Fixtures.text(root.resolve("val_split_classification.txt"), "# CP\n1_b_1_1.png 1 0 0 8 6\n");
        assertEquals(List.of("train/2_c_1_1=COVID", "train/0_a_1_1=NORMAL", "val/1_b_1_1=CP"),
                keys(ClassificationReader.read(root)));
    }

    @Test
    void namePartsAreKeptAsWritten() {
        img("2_pat_a_s03_0017.png");
        ClassificationItem item = ClassificationReader.read(root).get(0);
        assertEquals("pat_a", item.patient());
        assertEquals("s03", item.scan());
        assertEquals("0017", item.slice());
        assertEquals(ImageClass.COVID, item.label());
    }

    @Test
    void unknownClassPrefix() {
        for (String bad : List.of("3_p_1_1.png", "x_p_1_1.png")) {
            Path dir = root.resolve(bad.substring(0, 1));
            Path file = Fixtures.slice(dir.resolve(bad), 8, 6);
            DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(dir));
            assertEquals(file, e.file());
            assertContains(e, bad, "unknown class prefix '" + bad.charAt(0) + "'");
        }
    }

    @Test
    void nameWithoutFourParts() {
        Path file = img("scan.png");
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertEquals(file, e.file());
        assertContains(e, "scan.png", "<class>_<patient>_<scan>_<slice>", "got 1 part");
        Path dir = root.resolve("short");
        Fixtures.slice(dir.resolve("2_p_1.png"), 8, 6);
        assertContains(assertThrows(DataException.class, () -> ClassificationReader.read(dir)), "2_p_1.png", "got 3 parts");
    }

    @Test
    void listClassDisagreeingWithPrefix() {
        img("2_c_1_1.png");
        img("0_a_1_1.png");
        Path list = Fixtures.text(root.resolve("test_split_classification.txt"), "0_a_1_1.png 0\n2_c_1_1.png 1 0 0 5 5\n");
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertEquals(list, e.file());
        assertContains(e, list.toString(), "line 2", "class 1 disagrees", "2_c_1_1.png (class 2)");
    }

    @Test
    void listNamingAMissingFile() {
        img("train/0_a_1_1.png");
        Path list = Fixtures.text(root.resolve("train_split_classification.txt"), "0_a_1_1.png\n1_gone_1_1.png 1\n");
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertContains(e, list.toString(), "line 2", root.resolve("train/1_gone_1_1.png").toString(), "does not exist");
    }

    @Test
    void emptySplitFolder() throws IOException {
        img("train/0_a_1_1.png");
        Files.createDirectories(root.resolve("test"));
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertContains(e, root.resolve("test").toString(), "empty split 'test'");
    }

    @Test
    void emptyClassificationFolder() {
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertContains(e, root.toString(), "empty split");
    }

    @Test
    void sameNameWithTwoExtensions() {
        img("0_a_1_1.png");
        img("0_a_1_1.jpg");
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertContains(e, "0_a_1_1.jpg", "0_a_1_1.png", "two images");
    }

    @Test
    void verifyFindsATruncatedImage() {
        img("0_a_1_1.png");
        Path cut = Fixtures.cutInHalf(Fixtures.slice(root.resolve("2_b_1_1.jpg"), 64, 64));
        List<ClassificationItem> items = ClassificationReader.read(root); // listing does not decode
        assertEquals(2, items.size());
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.verify(items));
        assertEquals(cut, e.file());
        assertContains(e, "2_b_1_1.jpg", "truncated");
    }
}
