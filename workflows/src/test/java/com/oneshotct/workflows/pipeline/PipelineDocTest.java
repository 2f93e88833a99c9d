package com.oneshotct.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/pipeline.md} restates two things the code decides; this test holds both tables to the code (surefire
 * runs in the module folder, so the page is {@code ../docs/pipeline.md}).
 *
 * <p><b>Input</b> (the first table after the heading {@code ## Input}): one row per field of
 * {@link PipelineInput#FIELDS} and no other, the field's name in backticks in the {@code field} column. The
 * {@code default} column holds the field's JSON value, in backticks or not ({@code "resnet18"}, {@code 128},
 * {@code ["test"]}, {@code "P7D"}); it must not be {@code null}, and given as the only field of an input it must
 * parse to the default: {@code PipelineInput.parse({field: cell}).toJson().get(field)} equals
 * {@code PipelineInput.defaults().toJson().get(field)}. So numbers compare by value ({@code 1} is {@code 1.0}),
 * durations by length ({@code "P7D"} is {@code "PT168H"}), and a value the input would refuse fails.
 *
 * <p><b>Stage options</b> (the first table after {@code ## Stage options}), for the default input: one row per
 * options method of {@link StageOptions}; {@code queue} is {@code cpu} or {@code gpu}, the input's queue the stage
 * runs on; {@code start-to-close}: the first duration in the cell; {@code heartbeat}: {@code -} for none, else the
 * first duration in the cell; {@code backoff}: the first and the largest retry interval ({@code 1 s..30 s});
 * {@code attempts}: the most attempts. Durations are written {@code N ms}, {@code N s}, {@code N min} or
 * {@code N h}. The text between the heading and the table names the backoff coefficient and, in backticks, every
 * error type a stage never retries.
 */
class PipelineDocTest {
    private static final Path PAGE = Path.of("../docs/pipeline.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The stage column's text of each row -> the {@link StageOptions} method that makes its options. */
    private static final Map<String, String> STAGES = Map.of(
            "register, status, latest checkpoint, register metrics", "registry",
            "fetch dataset", "fetch",
            "train", "train",
            "validate", "validate",
            "evaluate", "evaluate");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|min|h)\\b");

    @Test
    void theInputTableHasEveryFieldWithTheCodesDefault() throws IOException {
        List<Map<String, String>> rows = table(Files.readString(PAGE), "## Input");
        JsonNode defaults = PipelineInput.defaults().toJson();
        Map<String, String> documented = new LinkedHashMap<>();
        for (Map<String, String> row : rows) {
            String field = unquote(row.get("field"));
            assertFalse(documented.containsKey(field), "two rows for field " + field);
            documented.put(field, row.get("default"));
        }
        Set<String> missing = new TreeSet<>(PipelineInput.FIELDS);
        missing.removeAll(documented.keySet());
        Set<String> extra = new TreeSet<>(documented.keySet());
        extra.removeAll(PipelineInput.FIELDS);
        assertEquals(Set.of(), missing, "fields of PipelineInput without a row in docs/pipeline.md's input table");
        assertEquals(Set.of(), extra, "rows of docs/pipeline.md's input table that are no field of PipelineInput");
        for (Map.Entry<String, String> e : documented.entrySet()) {
            String field = e.getKey();
            JsonNode value = JSON.readTree(unquote(e.getValue()));
            assertTrue(value != null && !value.isMissingNode(), field + ": the default cell holds no JSON");
            assertFalse(value.isNull(), field + ": the default cell may not be null");
            ObjectNode input = JsonNodeFactory.instance.objectNode().set(field, value);
            JsonNode parsed;
            try {
                parsed = PipelineInput.parse(input).toJson().get(field);
            } catch (IllegalArgumentException refused) {
                throw new AssertionError(field + ": the documented default " + value + " is refused: "
                        + refused.getMessage(), refused);
            }
            assertEquals(defaults.get(field), parsed, field + ": documented default " + value
                    + " is not the code's " + defaults.get(field));
        }
    }

    @Test
    void theStageTableIsWhatStageOptionsGives() throws Exception {
        String page = Files.readString(PAGE);
        List<Map<String, String>> rows = table(page, "## Stage options");
        Set<String> methods = Stream.of(StageOptions.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                        && m.getReturnType() == ActivityOptions.class)
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(methods, new TreeSet<>(STAGES.values()), "every StageOptions method has its row in this test");
        assertEquals(STAGES.keySet(), rows.stream().map(r -> r.get("stage")).collect(Collectors.toSet()),
                "one row per stage");
        assertEquals(STAGES.size(), rows.size(), "one row per stage");

        PipelineInput in = PipelineInput.defaults();
        Set<String> doNotRetry = new TreeSet<>();
        for (Map<String, String> row : rows) {
            String stage = row.get("stage");
            ActivityOptions o = (ActivityOptions) StageOptions.class
                    .getMethod(STAGES.get(stage), PipelineInput.class).invoke(null, in);
            String queue = o.getTaskQueue().equals(in.cpuQueue()) ? "cpu"
                    : o.getTaskQueue().equals(in.gpuQueue()) ? "gpu" : o.getTaskQueue();
            assertEquals(queue, row.get("queue"), stage + ": queue");
            assertEquals(o.getStartToCloseTimeout(), durations(row.get("start-to-close")).get(0),
                    stage + ": start-to-close");
            Duration heartbeat = o.getHeartbeatTimeout();
            if (heartbeat == null || heartbeat.isZero()) {
                assertEquals("-", row.get("heartbeat"), stage + ": no heartbeat timeout");
            } else {
                assertEquals(heartbeat, durations(row.get("heartbeat")).get(0), stage + ": heartbeat");
            }
            RetryOptions retry = o.getRetryOptions();
            List<Duration> backoff = durations(row.get("backoff"));
            assertEquals(List.of(retry.getInitialInterval(), retry.getMaximumInterval()), backoff,
                    stage + ": backoff, first..largest interval");
            assertEquals(String.valueOf(retry.getMaximumAttempts()), row.get("attempts"), stage + ": attempts");
            assertEquals(StageOptions.BACKOFF, retry.getBackoffCoefficient(), stage + ": backoff coefficient");
            doNotRetry.addAll(List.of(retry.getDoNotRetry()));
        }

        int start = page.indexOf("\n## Stage options\n");
        String before = page.substring(start, page.indexOf("\n|", start));
        String coefficient = StageOptions.BACKOFF == Math.rint(StageOptions.BACKOFF)
                ? String.valueOf((long) StageOptions.BACKOFF) : String.valueOf(StageOptions.BACKOFF);
        assertTrue(before.contains("backoff coefficient " + coefficient), "the text names the backoff coefficient");
        for (String type : doNotRetry) {
            assertTrue(before.contains("`" + type + "`"), "the text names the non-retryable type " + type);
        }
    }

    /** Durations in a cell, in order: {@code 1 s..30 s} gives 1 s and 30 s. */
    private static List<Duration> durations(String cell) {
        List<Duration> out = new ArrayList<>();
        Matcher m = DURATION.matcher(cell);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            out.add(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "min" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        assertFalse(out.isEmpty(), "no duration in '" + cell + "'");
        return out;
    }

    /** A cell's text without the backticks around it. */
    private static String unquote(String cell) {
        return cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`")
                ? cell.substring(1, cell.length() - 1) : cell;
    }

    /**
     * The first Markdown table after the line {@code heading}, as rows keyed by the header's column names. A
     * {@code |} inside backticks does not split a cell.
     */
    static List<Map<String, String>> table(String page, String heading) {
        List<String> lines = page.lines().toList();
        int i = lines.indexOf(heading);
        assertTrue(i >= 0, "docs/pipeline.md has the heading '" + heading + "'");
        while (i < lines.size() && !lines.get(i).startsWith("|")) {
            i++;
        }
        assertTrue(i + 1 < lines.size(), "a table follows '" + heading + "'");
        List<String> header = cells(lines.get(i));
        List<Map<String, String>> rows = new ArrayList<>();
        for (int r = i + 2; r < lines.size() && lines.get(r).startsWith("|"); r++) {
            List<String> cells = cells(lines.get(r));
            assertEquals(header.size(), cells.size(), "cells of row '" + lines.get(r) + "'");
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), cells.get(c));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean code = false;
        for (int k = 1; k < line.length(); k++) {
            char ch = line.charAt(k);
            if (ch == '`') {
                code = !code;
            }
            if (ch == '|' && !code) {
                out.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        return out;
    }
}
