package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The images a checkpoint is validated on: the val split, or a deterministic slice of train, said in imagesFrom. */
class ValidationSetTest {
    @TempDir
    Path tmp;

    @Test
    void aValSplitIsTakenWholeWhenSmallAndEvenlySpacedWhenLarge() {
        Path dir = tmp.resolve("with-val");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(4, 1, 3, 3).withValidation(5, 9))
                .write(dir, l -> { });
        CtDataset data = CtDataset.open(dir);
        ValidationSet all = ValidationSet.of(data, "val", 64);
        assertNull(all.imagesFrom(), "every image of split 'val'");
        assertEquals(5, all.segmentation().size());
        assertEquals(9, all.classification().size());
        assertEquals(List.of("val"), all.segmentation().stream().map(SegmentationItem::split).distinct().toList());

        ValidationSet some = ValidationSet.of(data, "val", 4);
        List<ClassificationItem> val = data.classification().stream().filter(i -> i.split().equals("val")).toList();
        // positions floor(i * 9 / 4): 0, 2, 4, 6
        assertEquals(List.of(val.get(0), val.get(2), val.get(4), val.get(6)), some.classification());
        assertEquals("segmentation: 4 of 5 (evenly spaced) images of split 'val'; classification: 4 of 9 (evenly"
                + " spaced) images of split 'val'", some.imagesFrom());
        assertEquals(some, ValidationSet.of(data, "val", 4), "the same images every time");
    }

    @Test
    void withoutAValSplitTheTrainingSplitStandsInAndSaysSo() {
        Path dir = tmp.resolve("no-val");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(6, 1, 3, 3)).write(dir, l -> { });
        ValidationSet set = ValidationSet.of(CtDataset.open(dir), "val", 3);
        assertEquals(List.of("train"), set.segmentation().stream().map(SegmentationItem::split).distinct().toList());
        assertEquals(3, set.segmentation().size());
        assertEquals(3, set.classification().size());
        assertEquals("segmentation: 3 of 6 (evenly spaced) images of split 'train', the dataset has no 'val'"
                + " segmentation split; classification: all 3 images of split 'train', the dataset has no 'val'"
                + " classification split", set.imagesFrom());
        assertThrows(IllegalArgumentException.class, () -> ValidationSet.of(CtDataset.open(dir), "val", 0));
    }

    @Test
    void spacedPicksFloorOfITimesNOverMax() {
        assertEquals(List.of(0, 3, 6), ValidationSet.spaced(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 3));
        assertEquals(List.of(0, 1), ValidationSet.spaced(List.of(0, 1), 5));
    }
}
