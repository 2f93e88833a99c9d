package com.oneshotct.workflows.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.oneshotct.workflows.pipeline.PipelineInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static String problem(String input) {
        return assertThrows(IllegalArgumentException.class, () -> SweepInput.parse(json(input))).getMessage();
    }

    @Test
    void gridIsTheCartesianProductLastFieldFastest() {
        SweepInput in = SweepInput.parse(json("{\"base\": {\"iterations\": 4, \"checkpointInterval\": 2},"
                + " \"grid\": {\"lr\": [0.001, 0.0001], \"clsBatch\": [2, 4, 8]}}"));
        List<String> values = in.points().stream().map(p -> p.k() + " " + p.values()).toList();
        assertEquals(List.of("1 {\"lr\":0.001,\"clsBatch\":2}", "2 {\"lr\":0.001,\"clsBatch\":4}",
                "3 {\"lr\":0.001,\"clsBatch\":8}", "4 {\"lr\":1.0E-4,\"clsBatch\":2}", "5 {\"lr\":1.0E-4,\"clsBatch\":4}",
                "6 {\"lr\":1.0E-4,\"clsBatch\":8}"), values);
        // each point's input is the base with its values over it, and the pipeline takes it
        PipelineInput p5 = PipelineInput.parse(in.points().get(4).input());
        assertEquals(1e-4, p5.train().lr());
        assertEquals(4, p5.train().clsBatch());
        assertEquals(4, p5.train().iterations());
        assertEquals(SweepInput.DEFAULT_MAX_CONCURRENT, in.maxConcurrent());
        assertEquals("test", in.split());
        assertEquals(null, in.metric());
    }

    @Test
    void aStringHoldingTheObjectIsTakenLikeThePipelines() {
        SweepInput in = SweepInput.parse(TextNode.valueOf("{\"grid\": {\"seed\": [1, 2]}, \"maxConcurrent\": 1}"));
        assertEquals(2, in.points().size());
        assertEquals(1, in.maxConcurrent());
    }

    @Test
    void randomSearchIsTheSameForASeedAndInRange() {
        String input = "{\"random\": {\"n\": 20, \"seed\": 7, \"space\": {"
                + "\"lr\": {\"min\": 1e-5, \"max\": 1e-3, \"log\": true},"
                + "\"clsBatch\": {\"min\": 1, \"max\": 4},"
                + "\"backbone\": {\"values\": [\"resnet18\", \"resnet34\"]}}}}";
        SweepInput a = SweepInput.parse(json(input));
        SweepInput b = SweepInput.parse(json(input));
        assertEquals(20, a.points().size());
        assertEquals(a.points().stream().map(p -> p.values().toString()).toList(),
                b.points().stream().map(p -> p.values().toString()).toList());
        boolean[] batches = new boolean[5];
        for (SweepInput.Point p : a.points()) {
            double lr = p.values().get("lr").doubleValue();
            assertTrue(lr >= 1e-5 && lr <= 1e-3, p.values().toString());
            assertTrue(p.values().get("clsBatch").isIntegralNumber(), p.values().toString());
            int batch = p.values().get("clsBatch").intValue();
            assertTrue(batch >= 1 && batch <= 4, p.values().toString());
            batches[batch] = true;
            assertTrue(List.of("resnet18", "resnet34").contains(p.values().get("backbone").textValue()));
        }
        assertTrue(batches[1] && batches[4], "both ends of an integer range are drawn in 20 points");
        SweepInput other = SweepInput.parse(json(input.replace("\"seed\": 7", "\"seed\": 8")));
        assertNotEquals(a.points().get(0).values(), other.points().get(0).values());
    }

    @Test
    void badFieldsAreNamed() {
        String m = problem("{\"grid\": {\"lr\": [], \"learningRate\": [1], \"clsBatch\": 4}, \"maxConcurrent\": 0,"
                + " \"colour\": 1}");
        assertTrue(m.contains("field 'colour' is unknown"), m);
        assertTrue(m.contains("field 'maxConcurrent' must be an integer between 1 and 64, got 0"), m);
        assertTrue(m.contains("field 'grid.lr' must be a non-empty array"), m);
        assertTrue(m.contains("field 'grid.learningRate' is not a pipeline input field"), m);
        assertTrue(m.contains("field 'grid.clsBatch' must be a non-empty array of values, got 4"), m);

        assertTrue(problem("{\"base\": {}}").contains("field 'grid' or 'random' is required"));
        assertTrue(problem("{\"grid\": {\"lr\": [1]}, \"random\": {}}").contains("exclude each other"));
        String r = problem("{\"random\": {\"n\": 0, \"space\": {\"lr\": {\"min\": 1, \"max\": 0.5},"
                + " \"seed\": {\"min\": 0, \"max\": 3, \"log\": true}, \"backbone\": {\"values\": []}}}}");
        assertTrue(r.contains("field 'random.n' must be an integer between 1 and 256, got 0"), r);
        assertTrue(r.contains("field 'random.space.lr': min 1 is above max 0.5"), r);
        assertTrue(r.contains("field 'random.space.seed': a log range needs min above 0"), r);
        assertTrue(r.contains("field 'random.space.backbone.values' must be a non-empty array"), r);
        String big = problem("{\"grid\": {\"seed\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],"
                + " \"lr\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}}");
        assertTrue(big.contains("more than 256 points"), big);
    }

    @Test
    void aPointWhoseMergedInputFailsIsNamedWithItsValues() {
        String m = problem("{\"base\": {\"iterations\": 4}, \"grid\": {\"lr\": [0.001, -1], \"clsBatch\": [2, 500]}}");
        assertFalse(m.contains("point 1 "), m);
        assertTrue(m.contains("point 2 {\"lr\":0.001,\"clsBatch\":500}: pipeline input: "), m);
        assertTrue(m.contains("point 3 {\"lr\":-1,\"clsBatch\":2}: pipeline input: "), m);
        assertTrue(m.contains("'lr'"), m);
        assertTrue(m.contains("'clsBatch'"), m);
    }

    @Test
    void aBadBaseFieldIsNamedOnceNotPerPoint() {
        String m = problem("{\"base\": {\"dataset\": \"Bad Name\", \"lr\": -1}, \"grid\": {\"lr\": [0.001, 0.01]}}");
        assertTrue(m.startsWith("sweep input: field 'base': pipeline input: field 'dataset'"), m);
        assertFalse(m.contains("point"), m);
        assertTrue(problem("{\"base\": [1], \"grid\": {\"lr\": [1]}}").contains("field 'base' must be a pipeline"));
    }
}
