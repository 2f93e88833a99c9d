package com.oneshotct.activities.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.SyntheticCt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The content check decodes classification images on several threads and still reports like one thread. */
class ContentCheckTest {
    private static List<ClassificationItem> write(Path dir) {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(2).withSize(64).withCounts(1, 1, 9, 3))
                .write(dir, line -> { });
        return CtDataset.open(dir).classification();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void aGoodDatasetPassesWithOneAliveCallPerImage(int threads, @TempDir Path dir) {
        List<ClassificationItem> items = write(dir);
        AtomicInteger alive = new AtomicInteger();
        ContentCheck.check(dir, "good", alive::incrementAndGet, threads);
        assertEquals(1 + items.size(), alive.get(), "once after the segmentation part, once per image");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void theFirstBadImageInManifestOrderIsNamed(int threads, @TempDir Path dir) throws IOException {
        List<ClassificationItem> items = write(dir);
        ClassificationItem first = items.get(2);
        ClassificationItem later = items.get(items.size() - 1);
        // the later one is corrupted first and is cheaper to find: a thread may reach it before the other
        Files.write(later.image(), new byte[] {1, 2, 3});
        Files.write(first.image(), "not a png".getBytes());
        BadDatasetException e = assertThrows(BadDatasetException.class,
                () -> ContentCheck.check(dir, "bad", () -> { }, threads));
        String relative = dir.relativize(first.image()).toString();
        assertTrue(e.getMessage().startsWith("dataset 'bad': "), e.getMessage());
        assertTrue(e.getMessage().contains(relative), relative + " in: " + e.getMessage());
        assertTrue(!e.getMessage().contains(dir.toString()), "paths inside the dataset only: " + e.getMessage());
    }
}
