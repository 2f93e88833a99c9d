package com.oneshotct.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.Box;
import com.oneshotct.model.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoJsonTest {
    @TempDir
    Path dir;

    /** Image 1 is 2x3 (height 2, width 3): RLE counts sum to 6. */
    private static final String IMAGES = "\"images\":[{\"id\":1,\"width\":3,\"height\":2},"
            + "{\"id\":7,\"width\":2,\"height\":2}]";

    @Test
    void writeThenReadGivesTheSameData() {
        List<CocoImage> images = List.of(new CocoImage(1, 5, 4), new CocoImage(3, 6, 6));
        BinaryMask a = BinaryMask.of(4, 5, new Box(1, 0, 4, 3));
        BinaryMask b = BinaryMask.of(6, 6, (y, x) -> (x + y) % 3 == 0);
        CocoGroundTruth gt = new CocoGroundTruth(images, List.of(1, 2, 3),
                List.of(new CocoAnnotation(10, 1, 2, a, false), new CocoAnnotation(11, 3, 3, b, true)));
        Path g = dir.resolve("gt.json");
        CocoJson.writeGroundTruth(g, gt);
        assertEquals(gt, CocoJson.readGroundTruth(g));
        List<CocoDetection> dets = List.of(new CocoDetection(3, 3, 0.25, b), new CocoDetection(1, 1, 0.75, a));
        Path p = dir.resolve("pred.json");
        CocoJson.writeResults(p, dets);
        assertEquals(dets, CocoJson.readResults(p, gt));
    }

    @Test
    void readsCompressedCountsOptionalFieldsAndMissingCategories() throws IOException {
        // "321" = counts [3, 2, 1] on 2x3: set pixels (1,1) and (0,2)
        Path g = write("{" + IMAGES + ",\"annotations\":[{\"image_id\":1,\"category_id\":2,"
                + "\"segmentation\":{\"size\":[2,3],\"counts\":\"321\"}},"
                + "{\"image_id\":7,\"category_id\":3,\"iscrowd\":1,"
                + "\"segmentation\":{\"size\":[2,2],\"counts\":[0,4]}}]}");
        CocoGroundTruth gt = CocoJson.readGroundTruth(g);
        assertEquals(List.of(2, 3), gt.categoryIds()); // taken from the annotations
        CocoAnnotation first = gt.annotations().get(0);
        assertEquals(BinaryMask.of(2, 3, new boolean[] {false, false, true, false, true, false}), first.mask());
        assertEquals(false, first.crowd());
        assertEquals(true, gt.annotations().get(1).crowd());
        assertEquals(4, gt.annotations().get(1).mask().area());
    }

    @Test
    void groundTruthErrorsNameFileAndField() throws IOException {
        String ann = "\"annotations\":[{\"image_id\":1,\"category_id\":1,\"segmentation\":";
        assertGtError("{\"images\":[", "not valid JSON");
        assertGtError("[]", "expected a JSON object");
        assertGtError("{\"annotations\":[]}", "missing field 'images'");
        assertGtError("{\"images\":[{\"id\":1,\"width\":3}],\"annotations\":[]}", "images[0].height");
        assertGtError("{\"images\":[{\"id\":1,\"width\":0,\"height\":2}],\"annotations\":[]}", "images[0].width");
        assertGtError("{\"images\":[{\"id\":\"a\",\"width\":3,\"height\":2}],\"annotations\":[]}",
                "images[0].id must be an integer");
        assertGtError("{" + IMAGES + "}", "missing field 'annotations'");
        assertGtError("{" + IMAGES + ",\"annotations\":[{\"category_id\":1}]}",
                "missing field 'annotations[0].image_id'");
        assertGtError("{" + IMAGES + ",\"annotations\":[{\"image_id\":5,\"category_id\":1}]}",
                "annotations[0].image_id 5 is not in images");
        assertGtError("{" + IMAGES + "," + ann + "{\"size\":[3,2],\"counts\":[6]}}]}",
                "annotations[0].segmentation.size [3,2] disagrees with image 1 (height 2, width 3)");
        assertGtError("{" + IMAGES + "," + ann + "{\"size\":[2,3],\"counts\":[2,3]}}]}",
                "annotations[0].segmentation.counts: RLE counts sum to 5");
        assertGtError("{" + IMAGES + "," + ann + "{\"size\":[2,3],\"counts\":\"32\"}}]}",
                "annotations[0].segmentation.counts: RLE counts sum to 5");
        assertGtError("{" + IMAGES + "," + ann + "{\"size\":[2,3],\"counts\":[2,-3,7]}}]}",
                "annotations[0].segmentation.counts[1] must be a non-negative integer");
        assertGtError("{" + IMAGES + "," + ann + "[[0,0,1,1,2,0]]}]}", "polygons are not supported");
        assertGtError("{" + IMAGES + ",\"annotations\":[{\"image_id\":1,\"category_id\":1}]}",
                "annotations[0].segmentation is missing");
        assertGtError("{" + IMAGES + "," + ann + "{\"size\":[2,3],\"counts\":[6]},\"iscrowd\":2}]}",
                "annotations[0].iscrowd must be 0 or 1");
        assertGtError("{" + IMAGES + ",\"categories\":[{\"id\":2}]," + ann + "{\"size\":[2,3],\"counts\":[6]}}]}",
                "annotations[0].category_id 1 is not in categories");
        assertGtError("{\"images\":[{\"id\":1,\"width\":3,\"height\":2},{\"id\":1,\"width\":3,\"height\":2}],"
                + "\"annotations\":[]}", "images[1].id 1 appears twice");
    }

    @Test
    void resultErrorsNameFileAndField() throws IOException {
        Path g = write("{" + IMAGES + ",\"annotations\":[]}");
        CocoGroundTruth gt = CocoJson.readGroundTruth(g);
        String seg = "\"segmentation\":{\"size\":[2,3],\"counts\":[6]}";
        assertResultError(gt, "{}", "expected a JSON array");
        assertResultError(gt, "[{\"image_id\":4,\"category_id\":1,\"score\":0.5," + seg + "}]",
                "[0].image_id 4 is not in the ground truth's images");
        assertResultError(gt, "[{\"image_id\":1,\"category_id\":1," + seg + "}]", "[0].score is missing");
        assertResultError(gt, "[{\"image_id\":1,\"category_id\":1,\"score\":\"high\"," + seg + "}]",
                "[0].score must be a finite number");
        assertResultError(gt, "[{\"image_id\":7,\"category_id\":1,\"score\":0.5," + seg + "}]",
                "[0].segmentation.size [2,3] disagrees with image 7 (height 2, width 2)");
        assertResultError(gt, "[{\"image_id\":1,\"category_id\":1,\"score\":0.5,"
                + "\"segmentation\":{\"size\":[2,3],\"counts\":[1,1,1,1,1,2]}}]", "sum to 7");
        assertResultError(gt, "[{\"image_id\":1,\"score\":0.5," + seg + "}]", "missing field '[0].category_id'");
        assertResultError(gt, "[3]", "[0] must be an object");
    }

    private void assertGtError(String json, String part) throws IOException {
        Path f = write(json);
        DataException e = assertThrows(DataException.class, () -> CocoJson.readGroundTruth(f));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains(part), e.getMessage() + " lacks " + part);
    }

    private void assertResultError(CocoGroundTruth gt, String json, String part) throws IOException {
        Path f = write(json);
        DataException e = assertThrows(DataException.class, () -> CocoJson.readResults(f, gt));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains(part), e.getMessage() + " lacks " + part);
    }

    private Path write(String text) throws IOException {
        Path f = Files.createTempFile(dir, "coco", ".json");
        Files.writeString(f, text);
        return f;
    }
}
