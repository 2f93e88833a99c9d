package com.oneshotct.activities.train;

import ai.djl.Device;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.registry.AttemptContext;
import com.oneshotct.activities.registry.AttemptLog;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.NewRun;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.db.StageAttempt;
import com.oneshotct.embedded.EmbeddedPostgresSupport;
import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.workflows.contract.TrainProgress;
import com.oneshotct.workflows.contract.TrainRequest;
import com.oneshotct.workflows.contract.TrainResult;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The real training activity on real services, without Temporal: a registry database on the embedded PostgreSQL,
 * S3Proxy keeping objects as files (every upload counted per key, as the server saw it), a tiny synthetic dataset
 * pushed, and worker "hosts" with a cache and work folder each. An attempt runs through the {@link AttemptLog} as
 * the activity method does, with the execution ids Temporal would give it.
 */
final class TrainingBench implements AutoCloseable {
    static final String DATASET = "faults-data";
    /** Heartbeats and progress signals that go nowhere. */
    static final Pulse QUIET = new Pulse() {
        @Override
        public void heartbeat(TrainHeartbeat details) {
        }

        @Override
        public void progress(TrainProgress progress) {
        }
    };

    final Database db;
    final Registry registry;
    final EmbeddedS3 s3;
    final ObjectStore store;
    /** Upload requests the server received, by object key. */
    final Map<String, Integer> uploads = new ConcurrentHashMap<>();
    /** Runs with the object key when the server starts receiving an upload (before storing it). */
    volatile java.util.function.Consumer<String> onUpload = key -> { };
    private final Path dir;

    /** One worker host: its training activity and attempt log. */
    record Host(TrainingActivitiesImpl training, AttemptLog log) {}

    TrainingBench(Path dir, String database) {
        this.dir = dir;
        db = Database.open(EmbeddedPostgresSupport.createDatabase(database, DbConfig::new));
        db.migrate();
        registry = db.registry();
        s3 = EmbeddedS3.filesystemStore(dir.resolve("s3"), 0, "bench-access", "bench-secret-key", Counting::new);
        store = new ObjectStore(new S3Config(s3.endpoint(), s3.accessKey(), s3.secretKey(), "oneshot"));
        store.ensureBucket();
        Path data = dir.resolve("synthetic");
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(5).withSize(64).withCounts(2, 1, 3, 1))
                .write(data, line -> { });
        new DatasetPush(store).push(data, DATASET);
    }

    Host host(String name) {
        Path home = dir.resolve(name);
        AttemptLog log = new AttemptLog(registry.attempts(), name);
        RunFiles files = new RunFiles(store, new DatasetCache(home.resolve("cache")), home.resolve("work"));
        return new Host(new TrainingActivitiesImpl(files, registry, log, Device.cpu(), null), log);
    }

    String register(String workflowId) {
        registry.runs().register(new NewRun(workflowId, "temporal-" + workflowId, "{}", "config-hash", "test",
                "resnet18", DATASET));
        return workflowId;
    }

    static TrainRequest request(String workflowId, int iterations, int checkpointInterval) {
        return new TrainRequest(workflowId, DATASET, null, "cpu", train(iterations, checkpointInterval));
    }

    /** ResNet-18 at 64 px, seed 11, lr 1e-4, in the request's JSON form. */
    static com.fasterxml.jackson.databind.JsonNode train(int iterations, int checkpointInterval) {
        return com.oneshotct.config.TrainConfigJson.write(com.oneshotct.config.TrainConfig.builder()
                .optBackbone("resnet18").optImageSize(64).optIterations(iterations)
                .optCheckpointInterval(checkpointInterval).optSeed(11).optLr(1e-4).build());
    }

    /**
     * Temporal's {@code temporalAttempt}-th execution of the run's one train activity, on {@code host}: recorded as
     * an attempt, trained, closed.
     */
    static TrainResult attempt(Host host, int temporalAttempt, TrainRequest r, TrainHeartbeat prior, Pulse pulse) {
        AttemptContext ctx = new AttemptContext(r.workflowId(), "train-1", temporalAttempt, "oneshot-gpu");
        return host.log().runNumbered(ctx, Stage.TRAIN, a -> host.training().train(r, a.attempt(), prior, pulse));
    }

    StageAttempt trainAttempt(String workflowId, int attempt) {
        return registry.attempts().attempts(workflowId).stream()
                .filter(a -> a.stage() == Stage.TRAIN && a.attempt() == attempt).findFirst().orElseThrow();
    }

    static String key(String workflowId, int attempt, int iteration) {
        return "runs/" + workflowId + "/attempt-" + attempt + "/iter-" + iteration + ".ckpt";
    }

    @Override
    public void close() {
        store.close();
        s3.close();
        db.close();
    }

    /** The files blob store, counting the uploads it receives (a large object arrives as one multipart upload). */
    private final class Counting extends ForwardingBlobStore {
        Counting(BlobStore files) {
            super(files);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
            uploads.merge(request.key(), 1, Integer::sum);
            onUpload.accept(request.key());
            return super.putBlob(request, payload);
        }

        @Override
        public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
            uploads.merge(request.key(), 1, Integer::sum);
            onUpload.accept(request.key());
            return super.initiateMultipartUpload(request);
        }
    }
}
