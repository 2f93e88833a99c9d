package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.config.TrainConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Test
    void emptyObjectNullAndNothingAllMeanEveryDefault() {
        PipelineInput d = PipelineInput.parse(json("{}"));
        assertEquals(new PipelineInput("synthetic-demo", "", "cpu", "oneshot-cpu", "oneshot-gpu", List.of("test"),
                "oneshot-ct", Duration.ofDays(7), Duration.ofMinutes(5), TrainConfig.builder().optBackbone("resnet18")
                .optImageSize(128).optIterations(40).optCheckpointInterval(10).optSeed(1).optLr(1e-4).build(),
                new Validation(1, "val", 64, "auto", 0, 2)), d,
                "the paper's training but for the demo-sized fields");
        assertEquals(d, PipelineInput.parse(null));
        assertEquals(d, PipelineInput.parse(NullNode.instance));
        assertEquals(d, PipelineInput.parse(json("{\"iterations\": null}")), "a JSON null takes the default");
    }

    @Test
    void everyFieldIsReadAndToJsonRoundTrips() {
        String full = """
                {"dataset": "cncb.v2", "datasetVersion": "0123abcd", "backbone": "resnext50_32x4d", "imageSize": 512, "iterations": 10000000,
                 "checkpointInterval": 250, "seed": -3, "lr": 1e-5, "device": "gpu:1", "cpuQueue": "cpu-a",
                 "gpuQueue": "gpu-b", "evalSplits": ["val", "test"], "modelName": "OneShot-X",
                 "parkTimeout": "P2D", "heartbeatTimeout": "PT30S", "segWarmup": 40,
                 "clsBatch": 8, "bnMode": "TRAIN_BATCH_EVAL_RUNNING", "lrDecay": 800,
                 "headLrScale": 0.1, "pretrain": 400, "bodyLrScale": 0.05,
                 "anchorSizes": [2, 4, 8, 16, 32, 64, 128], "weightDecay": 0, "beta1": 0.8, "beta2": 0.99,
                 "eps": 1e-6, "validateEvery": 3, "valSplit": "dev", "valImages": 200, "selectMetric": "ap50",
                 "earlyStop": 4, "validateConcurrency": 3}""";
        PipelineInput in = PipelineInput.parse(json(full));
        assertEquals(new PipelineInput("cncb.v2", "0123abcd", "gpu:1", "cpu-a", "gpu-b", List.of("val", "test"), "OneShot-X",
                Duration.ofDays(2), Duration.ofSeconds(30), TrainConfig.builder().optBackbone("resnext50_32x4d")
                        .optImageSize(512).optIterations(10_000_000).optCheckpointInterval(250).optSeed(-3)
                        .optLr(1e-5).optWeightDecay(0).optBetas(0.8, 0.99).optEps(1e-6).optSegWarmup(40)
                        .optClsBatch(8).optBnMode("TRAIN_BATCH_EVAL_RUNNING").optLrDecay(800).optHeadLrScale(0.1)
                        .optPretrain(400).optBodyLrScale(0.05).optAnchorSizes(List.of(2, 4, 8, 16, 32, 64, 128))
                        .build(), new Validation(3, "dev", 200, "ap50", 4, 3)), in);
        assertEquals(in, PipelineInput.parse(in.toJson()));
        assertEquals(in, PipelineInput.parse(new TextNode(in.toJson().toString())), "as a string holding JSON");
        assertEquals(List.copyOf(PipelineInput.FIELDS), toList(in.toJson().fieldNames()), "every field, in order");
        assertEquals("PT48H", in.toJson().get("parkTimeout").textValue());
    }

    @Test
    void aStringHoldingAnObjectIsRead() {
        assertEquals(5, PipelineInput.parse(new TextNode("{\"iterations\": 5}")).train().iterations());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineInput.parse(new TextNode("{\"iterations\": ")));
        assertTrue(e.getMessage().startsWith("pipeline input: the string is not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PipelineInput.parse(new TextNode("\"x\"")));
        assertTrue(e.getMessage().contains("must be a JSON object"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"seed": 1.5}                          | field 'seed' must be an integer
            {"seed": "1"}                          | field 'seed' must be an integer
            {"imageSize": 4096}                    | field 'imageSize' must be a multiple of 32 between 32 and 2048
            {"imageSize": 0}                       | field 'imageSize' must be a multiple of 32 between 32 and 2048
            {"imageSize": 100}                     | field 'imageSize' must be a multiple of 32 between 32 and 2048
            {"iterations": 10000001}               | field 'iterations' must be between 0 and 10000000
            {"iterations": 0}                      | field 'iterations' must be between 1 and 10000000, got 0
            {"iterations": 99999999999999999999}   | field 'iterations' is out of range
            {"checkpointInterval": 0}              | field 'checkpointInterval' must be between 1
            {"lr": 0}                              | field 'lr' must be above 0.0 and at most 1.0, got 0.0
            {"lr": "1e-4"}                         | field 'lr' must be a number
            {"backbone": "vgg16"}                  | field 'backbone' names an unknown backbone 'vgg16'; known: resnext50
            {"device": "tpu"}                      | field 'device' must be cpu, gpu or gpu:N
            {"evalSplits": []}                     | field 'evalSplits' must be an array of 1 to 16 strings
            {"evalSplits": ["Test"]}               | field 'evalSplits' every entry must be a split name
            {"evalSplits": ["test", "test"]}       | field 'evalSplits' lists string "test" twice
            {"evalSplits": "test"}                 | field 'evalSplits' must be an array
            {"parkTimeout": "7 days"}              | field 'parkTimeout' must be an ISO-8601 duration
            {"parkTimeout": "PT0S"}                | field 'parkTimeout' must be between PT1S and PT8784H
            {"heartbeatTimeout": "PT2H"}           | field 'heartbeatTimeout' must be between PT1S and PT1H
            {"cpuQueue": ""}                       | field 'cpuQueue' must be a task queue name
            {"modelName": "a b"}                   | field 'modelName' must be a model name
            {"dataset": "-x"}                      | field 'dataset' must be a dataset name
            {"dataset": 5}                         | field 'dataset' must be a string, got number 5
            {"clsBatch": 0}                        | field 'clsBatch' must be between 1 and 64, got 0
            {"bnMode": "batch"}                    | field 'bnMode' must be one of
            {"lrDecay": -1}                        | field 'lrDecay' must be between 0 and 10000000, got -1
            {"headLrScale": 0}                     | field 'headLrScale' must be above 0.0 and at most 1.0, got 0.0
            {"headLrScale": 2}                     | field 'headLrScale' must be above 0.0 and at most 1.0, got 2.0
            {"validateEvery": -1}                  | field 'validateEvery' must be between 0 and 10000000, got -1
            {"selectMetric": "loss"}               | field 'selectMetric' must be one of auto, weighted_f1
            {"valImages": 0}                       | field 'valImages' must be between 1 and 100000, got 0
            {"validateConcurrency": 0}             | field 'validateConcurrency' must be between 1 and 64
            {"pretrain": -5}                       | field 'pretrain' must be between 0 and 10000000, got -5
            {"bodyLrScale": 0}                     | field 'bodyLrScale' must be above 0.0 and at most 1.0, got 0.0
            {"bodyLrScale": 1.5}                   | field 'bodyLrScale' must be above 0.0 and at most 1.0, got 1.5
            {"anchorSizes": []}                    | field 'anchorSizes' must be 1 to 16 distinct whole numbers in 1..2048
            {"anchorSizes": [2, 0]}                | field 'anchorSizes' must be 1 to 16 distinct whole numbers in 1..2048
            {"anchorSizes": [2, 2.5]}              | field 'anchorSizes' must be an array of whole numbers
            {"anchorSizes": [8, 8]}                | field 'anchorSizes' must be 1 to 16 distinct whole numbers
            {"weightDecay": -1}                    | field 'weightDecay' must be at least 0, got -1.0
            {"beta1": "x"}                         | field 'beta1' must be a number, got "x"
            {"eps": 0}                             | field 'eps' must be positive, got 0.0
            """)
    void badFieldIsNamed(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineInput.parse(json(text)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void everyBadFieldIsReportedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineInput.parse(json("{\"x\": 1, \"iterations\": 0, \"backbone\": \"vgg\"}")));
        assertTrue(e.getMessage().contains("'x' is unknown"), e.getMessage());
        assertTrue(e.getMessage().contains("'iterations'"), e.getMessage());
        assertTrue(e.getMessage().contains("'backbone'"), e.getMessage());
    }

    @Test
    void configHashCoversExactlyTheTrainingFields() {
        PipelineInput d = PipelineInput.parse(json("{}"));
        // sha256sum of the text below, computed outside Java:
        // printf 'backbone=resnet18\nimageSize=128\nseed=1\nlr=0x1.a36e2eb1c432dp-14\n' | sha256sum
        // (0x1.a36e2eb1c432dp-14 is Python's (1e-4).hex())
        assertEquals("backbone=resnet18\nimageSize=128\nseed=1\nlr=0x1.a36e2eb1c432dp-14\n", d.train().canonical());
        assertEquals("ac8ed392d596125e68d74f3830a1f2d2a87703bd037b0d4468fd881497a0c6a8", d.configHash());

        String same = "{\"iterations\": 9, \"dataset\": \"other\", \"device\": \"gpu\", \"evalSplits\": [\"val\"]}";
        assertEquals(d.configHash(), PipelineInput.parse(json(same)).configHash());
        for (String changed : List.of("{\"seed\": 2}", "{\"lr\": 1e-5}", "{\"imageSize\": 160}",
                "{\"backbone\": \"resnet34\"}", "{\"segWarmup\": 1}", "{\"clsBatch\": 2}",
                "{\"bnMode\": \"RUNNING_STATS\"}", "{\"lrDecay\": 100}", "{\"headLrScale\": 0.5}", "{\"pretrain\": 10}",
                "{\"bodyLrScale\": 0.5}", "{\"anchorSizes\": [2, 4, 8, 16, 32, 64, 128]}", "{\"weightDecay\": 0}",
                "{\"beta2\": 0.9}", "{\"eps\": 1e-6}")) {
            assertNotEquals(d.configHash(), PipelineInput.parse(json(changed)).configHash(), changed);
        }
        // with lr 1e-5 ((1e-5).hex() = 0x1.4f8b588e368f1p-17), sha256sum gives:
        assertEquals("a0668eb087061e603dee58fb8d9ed470182f3132dbea0f27b2d4bf729a3deab1",
                PipelineInput.parse(json("{\"lr\": 1e-5}")).configHash());
    }

    private static List<String> toList(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
