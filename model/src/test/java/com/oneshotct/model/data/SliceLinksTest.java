package com.oneshotct.model.data;

import static com.oneshotct.model.data.SlicesTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slice that is a dead symbolic link (broken, or a loop) is an error naming it, in both readers and when decoded,
 * rather than a file silently left out of the dataset; a link to a real slice is read as the slice. And the check of
 * every classification slice names the first bad one in list order on any number of threads.
 */
class SliceLinksTest {
    @TempDir
    Path root;

    @Test
    void aBrokenLinkAmongClassificationSlicesIsNamed() throws Exception {
        Fixtures.slice(root.resolve("train/0_p1_s1_0001.png"), 8, 6);
        Path link = Files.createSymbolicLink(root.resolve("train/2_p2_s1_0001.png"), root.resolve("gone.png"));
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertEquals(link, e.file());
        assertContains(e, link.toString(), "broken symbolic link", "gone.png does not exist");
        assertContains(assertThrows(DataException.class, () -> Slices.readSlice(link)), "broken symbolic link");
    }

    @Test
    void aLinkLoopIsNamed() throws Exception {
        Fixtures.slice(root.resolve("train/0_p1_s1_0001.png"), 8, 6);
        Path a = root.resolve("train/1_p2_s1_0001.png");
        Path b = root.resolve("train/b.link"); // no image name: not read itself
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        DataException e = assertThrows(DataException.class, () -> ClassificationReader.read(root));
        assertEquals(a, e.file());
        assertContains(e, "symbolic link loop");
        Path self = Files.createSymbolicLink(root.resolve("train/self.lnk"), Path.of("self.lnk"));
        assertContains(assertThrows(DataException.class, () -> Slices.readSlice(self)), "symbolic link loop");
    }

    @Test
    void aBrokenLinkAsASegmentationImageOrMaskIsNamed() throws Exception {
        Fixtures.slice(root.resolve("train/imgs/a.png"), 8, 6);
        Fixtures.mask(root.resolve("train/masks/a.png"), 8, 6);
        Path mask = Files.createSymbolicLink(root.resolve("train/masks/b.png"), Path.of("../../elsewhere/b.png"));
        Files.createSymbolicLink(root.resolve("train/imgs/b.png"), root.resolve("train/imgs/a.png"));
        DataException e = assertThrows(DataException.class, () -> SegmentationReader.read(root));
        assertEquals(mask, e.file());
        assertContains(e, "broken symbolic link", "elsewhere/b.png does not exist");
    }

    @Test
    void aLinkToASliceIsTheSlice() throws Exception {
        Path real = Fixtures.slice(root.resolve("store/x.png"), 8, 6);
        Files.createDirectories(root.resolve("cls/train"));
        Files.createSymbolicLink(root.resolve("cls/train/0_p1_s1_0001.png"), real);
        List<ClassificationItem> items = ClassificationReader.read(root.resolve("cls"));
        assertEquals(1, items.size());
        assertEquals(8, items.get(0).load().width());
    }

    @Test
    void theCheckNamesTheFirstBadSliceInListOrderOnAnyThreads() throws Exception {
        for (int i = 0; i < 40; i++) {
            Fixtures.slice(root.resolve(String.format("train/0_p%02d_s1_0001.png", i)), 8, 6);
        }
        Fixtures.cutInHalf(root.resolve("train/0_p31_s1_0001.png"));
        Fixtures.cutInHalf(root.resolve("train/0_p07_s1_0001.png"));
        List<ClassificationItem> items = ClassificationReader.read(root);
        for (int threads : new int[] {1, 4}) {
            List<Integer> progress = new ArrayList<>();
            DataException e = assertThrows(DataException.class,
                    () -> ClassificationReader.verify(items, threads, progress::add));
            assertEquals(root.resolve("train/0_p07_s1_0001.png"), e.file(), threads + " threads");
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), progress, "progress in order up to the bad one");
        }
        List<Integer> progress = new ArrayList<>();
        ClassificationReader.verify(items.subList(10, 30), 3, progress::add);
        assertEquals(20, progress.size());
        assertEquals(20, progress.get(19));
    }
}
