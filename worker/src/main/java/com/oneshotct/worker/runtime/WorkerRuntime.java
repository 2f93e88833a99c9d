package com.oneshotct.worker.runtime;

import ai.djl.Device;
import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.RegistryException;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process: the registry (migrated on start, or only validated: {@link #MIGRATE_VAR}), the object store, the
 * dataset cache and a Temporal worker factory polling the CPU queue, the GPU queue or both, everything found
 * through the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ONESHOT_DB_*, ONESHOT_S3_*, ONESHOT_CACHE_DIR).
 * The GPU queue runs one training at a time: one device, one training slot.
 */
public final class WorkerRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

    /**
     * {@code false} turns sticky workflow execution off: every workflow task then goes through the shared queue. The
     * embedded Temporal test server never hands a dead worker's sticky tasks back to the shared queue, so a run
     * whose worker was killed would wait forever; the embedded stack's environment sets it. A real Temporal server
     * times sticky tasks out, so production keeps the default, {@code true}.
     */
    public static final String STICKY_VAR = "ONESHOT_STICKY_WORKFLOWS";

    /**
     * {@code false}: the worker does not migrate the registry schema on start, it only checks that the schema
     * matches this build's migrations (and refuses to start otherwise). A production worker connects as a role
     * with DML rights only (deploy/sql/worker-grants.sql) and cannot migrate; the schema owner runs
     * {@code oneshot db migrate} before a new version's workers start. Default {@code true}, for a single-user setup.
     */
    public static final String MIGRATE_VAR = "ONESHOT_DB_MIGRATE";

    /** What this process serves. */
    public record Options(String cpuQueue, String gpuQueue, boolean serveCpu, boolean serveGpu, Path work,
            Device device, String identity) {}

    private final Database db;
    private final ObjectStore store;
    private final WorkflowServiceStubs stubs;
    private final WorkerFactory factory;

    private WorkerRuntime(Database db, ObjectStore store, WorkflowServiceStubs stubs, WorkerFactory factory) {
        this.db = db;
        this.store = store;
        this.stubs = stubs;
        this.factory = factory;
    }

    public static WorkerRuntime start(Map<String, String> env, Options o) {
        return start(env, o, List.of());
    }

    /** As {@link #start(Map, Options)}, with Temporal worker interceptors (e.g. a benchmark's observer). */
    public static WorkerRuntime start(Map<String, String> env, Options o, List<WorkerInterceptor> interceptors) {
        boolean migrate = flag(env, MIGRATE_VAR, true);
        // load the pipeline input's classes (Jackson, the config) here, not in the first workflow task, where a cold
        // JVM on a busy machine can hold the workflow thread past the SDK's 1 s deadlock detector
        com.oneshotct.workflows.pipeline.PipelineInput.parse(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()).toJson();
        Database db = Database.open(DbConfig.fromEnvironment(env));
        ObjectStore store = null;
        WorkflowServiceStubs stubs = null;
        try {
            if (migrate) {
                db.migrate();
            } else {
                try {
                    db.validate();
                } catch (RegistryException e) {
                    throw new RegistryException(e.getMessage() + " (" + MIGRATE_VAR + "=false: this"
                            + " worker does not migrate; run `oneshot db migrate` as the schema owner first)", e);
                }
            }
            store = new ObjectStore(S3Config.fromEnvironment(env));
            store.ensureBucket();
            TemporalConfig temporal = TemporalConfig.fromEnvironment(env);
            stubs = Clients.connectedStubs(temporal, Clients.CONNECT_TIMEOUT);
            WorkflowClient client = Clients.client(stubs, temporal);
            WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
                    .setWorkerInterceptors(interceptors.toArray(WorkerInterceptor[]::new)).build());
            Activities acts = Activities.of(db.registry(), store, DatasetCache.fromEnvironment(env), o.work(),
                    o.device(), o.identity(), client);
            boolean sticky = flag(env, STICKY_VAR, true);
            if (o.serveCpu()) {
                WorkerOptions.Builder cpu = WorkerOptions.newBuilder();
                if (!sticky) {
                    // the SDK sends no sticky attributes when this timeout is zero
                    cpu.setStickyQueueScheduleToStartTimeout(java.time.Duration.ZERO);
                }
                acts.registerCpu(factory.newWorker(o.cpuQueue(), cpu.build()));
            }
            if (o.serveGpu()) {
                Worker gpu = factory.newWorker(o.gpuQueue(), WorkerOptions.newBuilder()
                        .setMaxConcurrentActivityExecutionSize(1).build());
                acts.registerGpu(gpu);
            }
            factory.start();
            LOG.info("worker {} polling {}{} on {} ({})", o.identity(),
                    o.serveCpu() ? "cpu queue '" + o.cpuQueue() + "'" : "",
                    o.serveGpu() ? (o.serveCpu() ? " and " : "") + "gpu queue '" + o.gpuQueue() + "'" : "",
                    temporal.address(), o.device());
            return new WorkerRuntime(db, store, stubs, factory);
        } catch (RuntimeException e) {
            if (stubs != null) {
                stubs.shutdownNow();
            }
            if (store != null) {
                store.close();
            }
            db.close();
            throw e;
        }
    }

    /** A true/false variable; unset or blank is {@code fallback}, anything else is refused by name. */
    static boolean flag(Map<String, String> env, String name, boolean fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v.trim() + "'");
        };
    }

    /**
     * Stops polling and lets running activities finish: a training activity sees the shutdown on its next
     * heartbeat, writes a checkpoint and rethrows, so the run resumes elsewhere from there.
     */
    @Override
    public void close() {
        factory.shutdown();
        factory.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES);
        stubs.shutdown();
        stubs.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        store.close();
        db.close();
    }
}
