package com.oneshotct.activities.fetch;

import com.oneshotct.activities.Failures;
import com.oneshotct.activities.registry.AttemptLog;
import com.oneshotct.activities.store.DatasetName;
import com.oneshotct.activities.store.MissingObjectException;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.db.ConstraintViolationException;
import com.oneshotct.db.NewDataset;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.model.data.Manifest;
import com.oneshotct.workflows.contract.DatasetActivities;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.FetchRequest;
import com.oneshotct.workflows.contract.FetchResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Stage "fetch dataset": brings the dataset into this worker's cache, verified, records it in the registry and
 * links the run to its content id. Bad data, an unknown dataset or run, and a bad name fail non-retryably
 * ({@link ErrorTypes}); an unreachable store or database throws as it is, so Temporal retries it.
 */
public final class DatasetActivitiesImpl implements DatasetActivities {
    /** Heartbeats at most this often: enough to show life, few enough not to load the Temporal service. */
    public static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);

    private final ObjectStore store;
    private final DatasetCache cache;
    private final Registry registry;
    private final Duration heartbeatEvery;
    private final AttemptLog log;

    public DatasetActivitiesImpl(ObjectStore store, DatasetCache cache, Registry registry) {
        this(store, cache, registry, HEARTBEAT_EVERY, null);
    }

    /** Records each attempt in the registry through {@code log}. */
    public DatasetActivitiesImpl(ObjectStore store, DatasetCache cache, Registry registry, AttemptLog log) {
        this(store, cache, registry, HEARTBEAT_EVERY, log);
    }

    public DatasetActivitiesImpl(ObjectStore store, DatasetCache cache, Registry registry, Duration heartbeatEvery) {
        this(store, cache, registry, heartbeatEvery, null);
    }

    private DatasetActivitiesImpl(ObjectStore store, DatasetCache cache, Registry registry, Duration heartbeatEvery,
            AttemptLog log) {
        this.store = store;
        this.cache = cache;
        this.registry = registry;
        this.heartbeatEvery = heartbeatEvery;
        this.log = log;
    }

    @Override
    public FetchResult fetchDataset(FetchRequest request) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        LongConsumer beat = throttle(ctx::heartbeat, heartbeatEvery, System::nanoTime);
        return log == null ? fetch(request, beat) : log.run(Stage.FETCH_DATASET, () -> fetch(request, beat));
    }

    /**
     * The activity without Temporal: {@code heartbeat} hears the number of files done (already throttled by the
     * caller, or not).
     */
    public FetchResult fetch(FetchRequest request, LongConsumer heartbeat) {
        String name = request.dataset();
        try {
            DatasetName.check(name);
        } catch (IllegalArgumentException e) {
            throw Failures.badConfig(e.getMessage());
        }
        String version = request.version();
        try {
            // before any download: a run that does not exist must not fill the cache or the datasets table
            String linked = registry.runs().get(request.workflowId()).datasetId();
            if (linked != null) {
                version = linked; // a retried fetch: the version the run is pinned to, whatever is newest now
            }
        } catch (NotFoundException e) {
            throw Failures.notFound("cannot fetch dataset '" + name + "' for run '"
                    + request.workflowId() + "': " + e.getMessage());
        }
        FetchedDataset f;
        try {
            f = cache.fetch(store, name, version, heartbeat);
        } catch (IllegalArgumentException e) {
            throw Failures.badConfig(e.getMessage());
        } catch (BadDatasetException e) {
            throw Failures.badData(e.getMessage());
        } catch (MissingObjectException e) {
            // objects the manifest lists come out as BadDatasetException: only the manifest or bucket gets here
            String why = e.key() == null ? "the bucket does not exist" : e.getMessage();
            throw Failures.notFound("dataset '" + name + "' not found in bucket '"
                    + e.bucket() + "' at " + store.config().endpoint() + " (" + why + ")");
        }
        Manifest manifest = Manifest.read(f.root().resolve(Manifest.FILE_NAME));
        Map<String, Integer> splits = SplitSizes.of(manifest);
        registry.runs().registerDataset(new NewDataset(f.datasetId(), name, DatasetName.prefix(name), f.files(),
                f.bytes(), splits));
        try {
            registry.runs().linkDataset(request.workflowId(), f.datasetId());
        } catch (NotFoundException e) {
            throw Failures.notFound("cannot link dataset '" + name + "' to run '"
                    + request.workflowId() + "': " + e.getMessage());
        } catch (ConstraintViolationException e) {
            // the only refusal here: the run is already linked to other content under this name
            throw Failures.badData("run '" + request.workflowId()
                    + "' was fetched with other content of dataset '" + name + "' (dataset id "
                    + registry.runs().get(request.workflowId()).datasetId() + ", now " + f.datasetId()
                    + "): the dataset was pushed again during the run");
        }
        return new FetchResult(f.datasetId(), f.files(), f.bytes(), f.downloadedFiles(), f.downloadedBytes());
    }

    /** Passes a value on at once, then at most once per {@code every}; the values in between are dropped. */
    static LongConsumer throttle(LongConsumer target, Duration every, LongSupplier nanoClock) {
        long gap = every.toNanos();
        long[] last = {0};
        boolean[] first = {true};
        return v -> {
            long now = nanoClock.getAsLong();
            if (first[0] || now - last[0] >= gap) {
                first[0] = false;
                last[0] = now;
                target.accept(v);
            }
        };
    }
}
