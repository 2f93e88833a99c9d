package com.oneshotct.devstack.runtime;

import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.db.Registry;
import com.oneshotct.devstack.stack.EmbeddedStack;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.TemporalConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;

/**
 * What the crash tests run against: the {@link EmbeddedStack} in the test's JVM (worker processes reach it through
 * its environment), the test's own clients of its database, object store and Temporal, and the crash tests'
 * dataset pushed under a name.
 */
record CrashStack(EmbeddedStack stack, Database db, ObjectStore store, WorkflowServiceStubs stubs,
        WorkflowClient client) implements AutoCloseable {

    static CrashStack start(Path tmp, String dataset) {
        EmbeddedStack stack = EmbeddedStack.start(tmp.resolve("stack"), EmbeddedStack.Ports.ANY);
        Database db = Database.open(DbConfig.fromEnvironment(stack.environment()));
        ObjectStore store = new ObjectStore(S3Config.fromEnvironment(stack.environment()));
        TemporalConfig temporal = TemporalConfig.fromEnvironment(stack.environment());
        WorkflowServiceStubs stubs = Clients.stubs(temporal);
        CrashStack s = new CrashStack(stack, db, store, stubs, Clients.client(stubs, temporal));
        try {
            Path data = tmp.resolve("synthetic");
            WorkerJvms.writeDataset(data);
            new DatasetPush(store).push(data, dataset);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    Registry registry() {
        return db.registry();
    }

    @Override
    public void close() {
        stubs.shutdownNow();
        store.close();
        db.close();
        stack.close();
    }
}
