package com.oneshotct.model.data;

import static com.oneshotct.model.data.SlicesTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CtDatasetTest {
    @TempDir
    Path root;

    @Test
    void readsBothParts() {
        Fixtures.slice(root.resolve("segmentation/train/imgs/a.png"), 20, 20);
        Fixtures.mask(root.resolve("segmentation/train/masks/a.png"), 20, 20, new int[] {1, 0, 0, 11, 11});
        Fixtures.slice(root.resolve("classification/train/2_p_1_1.png"), 20, 20);
        CtDataset ds = CtDataset.open(root);
        assertEquals(1, ds.segmentation().size());
        assertEquals(new Instance(1, new Box(0, 0, 11, 11), 121), ds.segmentation().get(0).instances().get(0));
        assertEquals(1, ds.classification().size());
        assertEquals(ImageClass.COVID, ds.classification().get(0).label());
    }

    @Test
    void eitherPartMayBeAbsent() {
        Fixtures.slice(root.resolve("classification/0_p_1_1.png"), 20, 20);
        CtDataset ds = CtDataset.open(root);
        assertEquals(0, ds.segmentation().size());
        assertEquals("all", ds.classification().get(0).split());
    }

    @Test
    void neitherPartIsAnError() {
        DataException e = assertThrows(DataException.class, () -> CtDataset.open(root));
        assertEquals(root, e.file());
        assertContains(e, root.toString(), "neither segmentation/ nor classification/");
        Path missing = root.resolve("nope");
        assertContains(assertThrows(DataException.class, () -> CtDataset.open(missing)), missing.toString(), "missing");
    }
}
