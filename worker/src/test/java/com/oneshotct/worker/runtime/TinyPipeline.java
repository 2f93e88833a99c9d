package com.oneshotct.worker.runtime;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.workflows.pipeline.PipelineResult;
import com.oneshotct.workflows.pipeline.TrainingPipeline;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One small pipeline run on real services (embedded PostgreSQL, S3Proxy, Temporal's test server, the real workflow
 * and activities; ResNet18 at 64 px, 6 iterations on a pushed synthetic dataset), trained once per test JVM and
 * shared by every test that takes a {@link Run} parameter: the pipeline's own end-to-end test and the report's.
 * JUnit closes it (services stopped, files deleted) when the whole test plan ends.
 */
public final class TinyPipeline implements ParameterResolver {
    public static final String WORKFLOW_ID = "e2e-1";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TinyPipeline.class);

    /**
     * The finished run and the services that hold its records.
     *
     * @param cache the dataset cache the worker used
     * @param env the variables a command needs to reach these services (ONESHOT_DB_*, ONESHOT_S3_*, cache)
     */
    public record Run(Database db, EmbeddedS3 s3, ObjectStore store, Path dir, Path cache, PipelineResult result,
                      Map<String, String> env) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            store.close();
            s3.close();
            db.close();
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Run.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getRoot().getStore(NS).getOrComputeIfAbsent(Run.class, k -> start(), Run.class);
    }

    private static Run start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("oneshot-e2e-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DbConfig config = EmbeddedPostgresSupport.createDatabase("e2e_test", DbConfig::new);
        Database db = Database.open(config);
        db.migrate();
        EmbeddedS3 s3 = EmbeddedS3.transientStore(0, "e2e-access", "e2e-secret-key");
        S3Config s3Config = new S3Config(s3.endpoint(), s3.accessKey(), s3.secretKey(), "oneshot");
        ObjectStore store = new ObjectStore(s3Config);
        store.ensureBucket();
        Path data = dir.resolve("synthetic");
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(3).withSize(64).withCounts(4, 2, 6, 6)
                .withValidation(2, 3)).write(data, line -> { });
        new DatasetPush(store).push(data, "e2e-data");
        Path cache = dir.resolve("cache");
        PipelineResult result;
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            Activities acts = Activities.of(db.registry(), store, new DatasetCache(cache), dir.resolve("work"),
                    Device.cpu(), "e2e-worker", env.getWorkflowClient());
            acts.registerCpu(env.newWorker("oneshot-cpu"));
            acts.registerGpu(env.newWorker("oneshot-gpu"));
            env.start();
            TrainingPipeline run = env.getWorkflowClient().newWorkflowStub(TrainingPipeline.class,
                    WorkflowOptions.newBuilder().setTaskQueue("oneshot-cpu").setWorkflowId(WORKFLOW_ID).build());
            result = run.run(new ObjectMapper().readTree("{\"dataset\": \"e2e-data\", \"imageSize\": 64,"
                    + " \"iterations\": 6, \"checkpointInterval\": 3}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(DbConfig.URL_VAR, config.url());
        env.put(DbConfig.USER_VAR, config.user());
        env.put(DbConfig.PASSWORD_VAR, config.password() == null ? "" : config.password());
        if (config.schema() != null) {
            env.put(DbConfig.SCHEMA_VAR, config.schema());
        }
        env.put(S3Config.ENDPOINT_VAR, s3Config.endpoint());
        env.put(S3Config.ACCESS_KEY_VAR, s3Config.accessKey());
        env.put(S3Config.SECRET_KEY_VAR, s3Config.secretKey());
        env.put(S3Config.BUCKET_VAR, s3Config.bucket());
        env.put(DatasetCache.CACHE_DIR_VAR, cache.toString());
        return new Run(db, s3, store, dir, cache, result, Map.copyOf(env));
    }
}
