package com.oneshotct.devstack.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.activities.store.ObjectInfo;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Dataset;
import com.oneshotct.db.ModelVersion;
import com.oneshotct.db.Outcome;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Run;
import com.oneshotct.db.RunStatus;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.workflows.pipeline.PipelineResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@value LoadRun#RUNS} pipelines at once on one stack and one worker process all succeed, and afterwards the
 * registry and the object store agree: every checkpoint row has its object with the recorded bytes, every object
 * under runs/ has its row, every run has each stage closed as succeeded and nothing left open, one dataset row
 * for the one dataset, one model version per run.
 */
@ExtendWith(LoadRun.class)
class ConcurrentPipelinesTest {

    @Test
    void everyRunSucceedsAndTheRegistryAndTheStoreAgree(LoadRun.Run load) throws Exception {
        Registry registry = load.admin().registry();
        assertEquals(LoadRun.RUNS, load.results().size());
        List<String> failed = new ArrayList<>();
        load.results().forEach((id, r) -> {
            if (!"succeeded".equals(r.status()) || r.iterations() != LoadRun.ITERATIONS) {
                failed.add(id + ": " + r.status() + " after " + r.iterations() + " (" + r.message() + ")");
            }
        });
        assertTrue(failed.isEmpty(), "runs that did not succeed: " + failed);

        Set<String> rowKeys = new TreeSet<>();
        Set<Long> finalCheckpoints = new TreeSet<>();
        Map<Stage, List<Duration>> stageTimes = new EnumMap<>(Stage.class);
        int retried = 0;
        for (String id : load.results().keySet()) {
            Run run = registry.runs().get(id);
            assertEquals(RunStatus.SUCCEEDED, run.status(), id);
            assertEquals(null, run.error(), id);
            List<StageAttempt> attempts = registry.attempts().attempts(id);
            for (StageAttempt a : attempts) {
                assertTrue(a.endedAt() != null, id + ": attempt left open: " + a);
                if (a.outcome() != Outcome.SUCCEEDED) {
                    retried++;
                }
            }
            for (Stage s : Stage.values()) {
                List<StageAttempt> of = attempts.stream().filter(a -> a.stage() == s).toList();
                assertTrue(!of.isEmpty(), id + " has no attempt of " + s);
                StageAttempt last = of.get(of.size() - 1);
                assertEquals(Outcome.SUCCEEDED, last.outcome(), id + " " + s + ": " + of);
                stageTimes.computeIfAbsent(s, k -> new ArrayList<>())
                        .add(Duration.between(last.startedAt(), last.endedAt()));
            }
            List<Checkpoint> cks = registry.training().checkpoints(id);
            assertEquals(java.util.stream.IntStream.rangeClosed(1, LoadRun.ITERATIONS).boxed().toList(),
                    cks.stream().map(Checkpoint::iteration).toList(), id);
            for (Checkpoint c : cks) {
                assertTrue(c.objectKey().startsWith("runs/" + id + "/"), c.objectKey());
                ObjectInfo stat = load.store().stat(c.objectKey()).orElseThrow(
                        () -> new AssertionError(id + ": checkpoint row without its object " + c.objectKey()));
                assertEquals(c.bytes(), stat.size(), c.objectKey());
                assertEquals(c.sha256(), stat.sha256(), c.objectKey());
                rowKeys.add(c.objectKey());
            }
            Checkpoint latest = registry.training().latest(id).orElseThrow();
            assertEquals(LoadRun.ITERATIONS, latest.iteration(), id);
            PipelineResult r = load.results().get(id);
            assertEquals(latest.id(), r.checkpoint().id(), id + ": the result names the latest checkpoint");
            // the bytes themselves, not only the metadata: the final checkpoint, downloaded and hashed
            Path file = load.dir().resolve("verify.ckpt");
            ObjectInfo got = load.store().get(latest.objectKey(), file);
            assertEquals(latest.sha256(), got.sha256(), latest.objectKey());
            assertEquals(latest.bytes(), got.size(), latest.objectKey());
            Files.delete(file);
            finalCheckpoints.add(latest.id());
            assertEquals(ITERATION_LOSSES * LoadRun.ITERATIONS, registry.training().curve(id).size(), id);
            // one validation score per checkpoint (scored beside training), one test evaluation of the chosen one
            var evals = registry.evaluations().evaluations(id);
            assertEquals(cks.stream().map(Checkpoint::id).toList(), evals.stream().filter(e -> e.validation())
                    .map(e -> e.checkpointId()).toList(), id);
            var tested = evals.stream().filter(e -> !e.validation()).toList();
            assertEquals(1, tested.size(), id);
            assertEquals(latest.id(), tested.get(0).checkpointId(), id + ": one checkpoint, so it is the chosen one");
        }
        Set<String> objects = load.store().list("runs/").stream().map(ObjectInfo::key)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(rowKeys, objects, "checkpoint rows and objects under runs/");
        assertEquals(LoadRun.RUNS * LoadRun.ITERATIONS, rowKeys.size());

        List<Dataset> datasets = datasets(load);
        assertEquals(1, datasets.size(), "one dataset row for the one dataset: " + datasets);
        for (String id : load.results().keySet()) {
            assertEquals(datasets.get(0).id(), registry.runs().get(id).datasetId(), id);
        }

        // the registry's rule: each run promotes its final checkpoint as the next version of the model, and the
        // 'latest' alias follows the newest version
        List<ModelVersion> versions = registry.models().versions("oneshot-ct");
        assertEquals(LoadRun.RUNS, versions.size());
        assertEquals(finalCheckpoints, versions.stream().map(ModelVersion::checkpointId)
                .collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(Set.of(java.util.stream.IntStream.rangeClosed(1, LoadRun.RUNS).boxed().toArray()),
                versions.stream().map(ModelVersion::version).collect(Collectors.toSet()));
        List<ModelVersion> aliased = versions.stream().filter(v -> v.hasAlias("latest")).toList();
        assertEquals(1, aliased.size(), "one version holds 'latest': " + aliased);
        assertEquals(LoadRun.RUNS, aliased.get(0).version());

        System.out.printf("load: %d runs, %d iterations each, %.0f s from first start to last result; %d attempts"
                + " retried%n", LoadRun.RUNS, LoadRun.ITERATIONS, load.wall().toMillis() / 1e3, retried);
        stageTimes.forEach((s, d) -> System.out.printf("  %-16s mean %5.1f s, max %5.1f s%n", s.sql(),
                d.stream().mapToLong(Duration::toMillis).average().orElse(0) / 1e3,
                d.stream().mapToLong(Duration::toMillis).max().orElse(0) / 1e3));
    }

    /** Five Mask R-CNN losses, their sum, and the classification loss, per iteration. */
    private static final int ITERATION_LOSSES = 7;

    private static List<Dataset> datasets(LoadRun.Run load) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = load.admin().dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM datasets")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        List<Dataset> out = new ArrayList<>();
        for (String id : ids) {
            out.add(load.admin().registry().runs().dataset(id));
        }
        return out;
    }
}
