package com.oneshotct.activities.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.evaluate.EvaluationActivitiesImpl;
import com.oneshotct.activities.fetch.DatasetActivitiesImpl;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.registry.AttemptLog;
import com.oneshotct.activities.registry.RegistryActivitiesImpl;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectInfo;
import com.oneshotct.activities.store.S3Fixture;
import com.oneshotct.activities.train.Pulse;
import com.oneshotct.activities.train.RunFiles;
import com.oneshotct.activities.train.TrainHeartbeat;
import com.oneshotct.activities.train.TrainingActivitiesImpl;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.config.TrainConfigJson;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NewCheckpoint;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.Registry;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.train.PaperTrainer;
import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.EvaluateRequest;
import com.oneshotct.workflows.contract.FetchRequest;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus's {@code train-request}, {@code ids} and {@code checkpoint} rows, through the real training, fetch,
 * evaluation and registry activities on S3Proxy and the embedded PostgreSQL, with the corpus's base dataset pushed
 * as {@value #DATASET}. A refusal must leave the worker's folders and the store's {@code runs/} as they were.
 */
class ActivityCorpusTest {
    static final String DATASET = "base";
    private static final List<String> LAYERS = List.of("train-request", "ids", "checkpoint");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pulse PULSE = new Pulse() {
        @Override
        public void heartbeat(TrainHeartbeat details) {
        }

        @Override
        public void progress(TrainProgress progress) {
        }
    };

    static Database db;
    static Registry registry;
    static S3Fixture fx;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws IOException {
        db = Database.open(EmbeddedPostgresSupport.createDatabase("bad_input_activities", DbConfig::new));
        db.migrate();
        registry = db.registry();
        fx = new S3Fixture();
        Path src = tmp.resolve("src");
        for (Map.Entry<String, byte[]> e : Corpus.files(Corpus.root().resolve(Corpus.BASE)).entrySet()) {
            Files.createDirectories(src.resolve(e.getKey()).getParent());
            Files.write(src.resolve(e.getKey()), e.getValue());
        }
        new DatasetPush(fx.store).push(src, DATASET);
    }

    @AfterAll
    static void stop() {
        fx.close();
        db.close();
    }

    @TestFactory
    Stream<DynamicTest> everyActivityCase() {
        return Corpus.cases().stream().filter(c -> LAYERS.contains(c.layer()))
                .map(c -> dynamicTest(c.toString(), () -> run(c)));
    }

    private void run(Corpus.Case c) throws IOException {
        Path work = Files.createDirectories(tmp.resolve(c.name()));
        Worker w = new Worker(work);
        Map<String, String> before = Corpus.tree(work);
        List<String> runObjects = runObjects();
        ApplicationFailure f = switch (c.layer()) {
            case "train-request" -> failure(() -> w.training.train(request(c.name()), 1, null, PULSE));
            case "ids" -> ids(c.name(), w);
            case "checkpoint" -> foreignCheckpoint(w);
            default -> throw new IllegalStateException(c.layer());
        };
        assertEquals(c.expected(), f.getType());
        assertTrue(f.isNonRetryable());
        String message = f.getOriginalMessage();
        for (String fragment : c.fragments()) {
            assertTrue(message.contains(fragment), () -> "no '" + fragment + "' in: " + message);
        }
        if (!c.layer().equals("checkpoint")) { // that one fetches a good dataset and reads a checkpoint first
            assertEquals(before, Corpus.tree(work), "the worker's folders changed");
            assertEquals(runObjects, runObjects(), "the store's runs/ changed");
        }
    }

    private ApplicationFailure ids(String name, Worker w) {
        return switch (name) {
            case "unknown-run" -> failure(() -> w.fetch.fetch(new FetchRequest("no-such-run", DATASET), d -> { }));
            case "unknown-run-status" -> {
                ApplicationFailure f = failure(() -> new RegistryActivitiesImpl(registry, "bad-input-test")
                        .setRunStatus("no-such-run", "running", null));
                assertThrows(NotFoundException.class, () -> registry.runs().get("no-such-run"));
                yield f;
            }
            case "unknown-dataset" -> {
                String wf = register("run-unknown-dataset", "no-such-dataset");
                ApplicationFailure f = failure(() -> w.fetch.fetch(new FetchRequest(wf, "no-such-dataset"), d -> { }));
                assertNull(registry.runs().get(wf).datasetId());
                yield f;
            }
            case "unknown-checkpoint" -> {
                String wf = register("run-unknown-checkpoint", DATASET);
                EvaluateRequest r = new EvaluateRequest(wf, DATASET, null,
                        new CheckpointRef(987654321L, "runs/" + wf + "/attempt-1/iter-1.ckpt", 1), List.of("test"),
                        "resnet18", 64, "cpu");
                yield failure(() -> w.evaluation.evaluate(r, done -> { }));
            }
            default -> fail("no handler for the ids case '" + name + "'");
        };
    }

    /**
     * A run whose first attempt checkpointed a ResNet-18 at 64 px (iteration 0: the weights do not matter, the
     * header does), resumed by a request for a ResNet-34: refused before any weight is loaded or written. The
     * checkpoint (250 MB) is recorded in the registry and put where this worker keeps checkpoints it already holds,
     * as on the host that wrote it; sending it through S3Proxy and back would add some 20 s and test nothing more.
     */
    private ApplicationFailure foreignCheckpoint(Worker w) throws IOException {
        String wf = register("run-foreign-checkpoint", DATASET);
        Path file = tmp.resolve("resnet18.ckpt");
        TrainConfig config = TrainConfig.builder().optBackbone("resnet18").optImageSize(64).optIterations(10)
                .optSeed(1).optLr(1e-4).build();
        CtDataset data = CtDataset.open(Corpus.root().resolve(Corpus.BASE));
        String sha;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m,
                    data.segmentation().stream().filter(i -> i.split().equals("train")).toList(),
                    data.classification().stream().filter(i -> i.split().equals("train")).toList());
            sha = com.oneshotct.model.train.Checkpoint.save(t, file);
        }
        String key = "runs/" + wf + "/attempt-1/iter-0.ckpt";
        registry.training().recordAndAdvance(new NewCheckpoint(wf, 0, 1, key, sha, Files.size(file)));
        Path held = Files.createDirectories(w.workDir.resolve("checkpoints")).resolve(sha + ".ckpt");
        Files.move(file, held);

        TrainRequest r = new TrainRequest(wf, DATASET, null, "cpu", TrainConfigJson.write(TrainConfig.builder()
                .optBackbone("resnet34").optImageSize(64).optIterations(10).optCheckpointInterval(5).optSeed(1)
                .optLr(1e-4).build()));
        ApplicationFailure f = failure(() -> w.training.train(r, 2, null, PULSE));
        assertEquals(List.of(key), registry.training().checkpoints(wf).stream().map(Checkpoint::objectKey).toList(),
                "no checkpoint recorded");
        assertEquals(List.of(), fx.store.list("runs/" + wf + "/"), "no checkpoint uploaded");
        try (Stream<Path> local = Files.walk(w.workDir)) {
            assertEquals(List.of(held), local.filter(Files::isRegularFile).toList(), "no checkpoint written");
        }
        return f;
    }

    private static TrainRequest request(String name) throws IOException {
        return JSON.readValue(Corpus.root().resolve(Corpus.REQUESTS).resolve(name + ".json").toFile(),
                TrainRequest.class);
    }

    private static String register(String wf, String dataset) {
        registry.runs().register(new NewRun(wf, "temporal-" + wf, "{}", "config-hash", "test", "resnet18", dataset));
        return wf;
    }

    private static List<String> runObjects() {
        return fx.store.list("runs/").stream().map(ObjectInfo::key).toList();
    }

    private static ApplicationFailure failure(Executable call) {
        return assertThrows(ApplicationFailure.class, call);
    }

    /** One worker's activities over a cache and work folder of their own. */
    private static final class Worker {
        final DatasetActivitiesImpl fetch;
        final TrainingActivitiesImpl training;
        final EvaluationActivitiesImpl evaluation;
        final Path workDir;

        Worker(Path dir) {
            DatasetCache cache = new DatasetCache(dir.resolve("cache"));
            workDir = dir.resolve("work");
            RunFiles files = new RunFiles(fx.store, cache, workDir);
            AttemptLog log = new AttemptLog(registry.attempts(), "bad-input-test");
            fetch = new DatasetActivitiesImpl(fx.store, cache, registry);
            training = new TrainingActivitiesImpl(files, registry, log, Device.cpu(), null);
            evaluation = new EvaluationActivitiesImpl(files, registry, log, Device.cpu());
        }
    }
}
