package com.oneshotct.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.model.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassificationCsvTest {
    @TempDir
    Path dir;

    @Test
    void readsRowsWithHeaderBlankLinesAndCommasInNames() throws IOException {
        Path f = write("image,true,pred\n0_p1_s1_1.png,0,0\n\n2_p2,s1_7.png, 2 ,1\r\n1_p3_s2_4.png,1,1\n");
        List<ClassificationCsv.Row> rows = ClassificationCsv.read(f);
        assertEquals(List.of(new ClassificationCsv.Row("0_p1_s1_1.png", 0, 0),
                new ClassificationCsv.Row("2_p2,s1_7.png", 2, 1),
                new ClassificationCsv.Row("1_p3_s2_4.png", 1, 1)), rows);
        ConfusionMatrix cm = ClassificationCsv.confusion(f);
        assertEquals(3, cm.total());
        assertEquals(1, cm.count(2, 1));
    }

    @Test
    void headerIsOptional() throws IOException {
        assertEquals(2, ClassificationCsv.read(write("a.png,0,2\nb.png,2,2\n")).size());
    }

    @Test
    void badLinesNameTheFileAndLine() throws IOException {
        assertBad("image,true,pred\na.png,0,0\nb.png,1\n", "line 3", "expected image,true,pred");
        assertBad("a.png,0,x\n", "line 1", "pred class 'x'");
        assertBad("a.png,0,0\nb.png,3,0\n", "line 2", "true class");
        assertBad("a.png,-1,0\n", "line 1", "true class");
        assertBad(",0,0\n", "line 1", "empty image name");
        assertBad("image,true,pred\n\n", "no rows");
        assertBad("", "no rows");
    }

    @Test
    void missingFileIsADataException() {
        Path f = dir.resolve("nope.csv");
        DataException e = assertThrows(DataException.class, () -> ClassificationCsv.read(f));
        assertEquals(f, e.file());
    }

    private void assertBad(String text, String... parts) throws IOException {
        Path f = write(text);
        DataException e = assertThrows(DataException.class, () -> ClassificationCsv.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage() + " lacks " + p);
        }
    }

    private Path write(String text) throws IOException {
        Path f = Files.createTempFile(dir, "cls", ".csv");
        Files.writeString(f, text);
        return f;
    }
}
